#!/usr/bin/env node
// Regenerates the README's tools table and manifest.json from the tool records in dist/.
// Run through `npm run docs` (which builds first).
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_TOOLS } from '../dist/tools/index.js';
import { renderManifest, renderToolsTable, spliceToolsTable } from '../dist/tools/docs.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const readme = readFileSync(new URL('README.md', root), 'utf8');
writeFileSync(new URL('README.md', root), spliceToolsTable(readme, renderToolsTable(ALL_TOOLS)));
writeFileSync(new URL('manifest.json', root), JSON.stringify(renderManifest(ALL_TOOLS, pkg), null, 2) + '\n');
process.stderr.write(`README.md tools table and manifest.json regenerated (${ALL_TOOLS.length} tools)\n`);
