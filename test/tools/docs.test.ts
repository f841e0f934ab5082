import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { renderManifest, renderToolsTable, spliceToolsTable } from '../../src/tools/docs.js';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');
const HOW_TO_FIX = 'run `npm run docs` and commit docs/tools.md and manifest.json';

describe('generated docs stay in step with the tool records', () => {
  it('the tools table of docs/tools.md matches the records', () => {
    const page = read('docs/tools.md');
    expect(page, HOW_TO_FIX).toBe(spliceToolsTable(page, renderToolsTable(ALL_TOOLS)));
    for (const tool of ALL_TOOLS) expect(page).toContain(`| \`${tool.name}\` |`);
  });

  it('manifest.json matches the records and package.json', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(JSON.parse(read('manifest.json')), HOW_TO_FIX).toEqual(renderManifest(ALL_TOOLS, pkg));
  });

  it('the manifest points at the built CLI, which the package ships', () => {
    // mcpb pack checks neither entry_point nor the files list: check both here.
    const manifest = JSON.parse(read('manifest.json'));
    const pkg = JSON.parse(read('package.json'));
    expect(manifest.server.entry_point).toBe('dist/cli.js');
    expect(manifest.server.mcp_config.args[0]).toBe('${__dirname}/dist/cli.js');
    expect(pkg.bin['whatalo-mcp']).toBe(manifest.server.entry_point);
    expect(pkg.files).toContain(manifest.server.entry_point);
    expect(existsSync(new URL(manifest.server.entry_point, root)), 'build first: npm test runs the build').toBe(true);
    expect(read(manifest.server.entry_point).startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('every user setting has a title and a description (mcpb validate), and the issuer and the API base are settings', () => {
    const manifest = JSON.parse(read('manifest.json'));
    for (const [key, entry] of Object.entries(manifest.user_config as Record<string, { title?: string; description?: string }>)) {
      expect(entry.title, key).toBeTruthy();
      expect(entry.description, key).toBeTruthy();
    }
    expect(manifest.server.mcp_config.env).toMatchObject({ WHATALO_ISSUER: '${user_config.issuer}', WHATALO_API_BASE: '${user_config.api_base}' });
  });
});
