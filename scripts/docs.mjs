#!/usr/bin/env node
// Regenerates the tools table of docs/tools.md and manifest.json from the tool records in dist/.
// Run through `npm run docs` (which builds first).
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_TOOLS } from '../dist/tools/index.js';
import { renderManifest, renderToolsTable, spliceToolsTable } from '../dist/tools/docs.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
// The tools table lives on the tools page, not in the README (a page per reader, issue 31).
const toolsPage = new URL('docs/tools.md', root);
writeFileSync(toolsPage, spliceToolsTable(readFileSync(toolsPage, 'utf8'), renderToolsTable(ALL_TOOLS)));
writeFileSync(new URL('manifest.json', root), JSON.stringify(renderManifest(ALL_TOOLS, pkg), null, 2) + '\n');
process.stderr.write(`docs/tools.md tools table and manifest.json regenerated (${ALL_TOOLS.length} tools)\n`);
