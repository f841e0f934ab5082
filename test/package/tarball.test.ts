/**
 * What `npm pack` ships (the tarball `npm install -g` and a future `npx -y whatalo-mcp` get):
 * the built server, the manifest, README and LICENSE; source maps only with their sources,
 * and we ship no sources, so no maps.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WhataloError } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm pack', () => {
  it('ships dist/cli.js, the listing, manifest.json, README.md and LICENSE, and no .map without its source', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/tools/listing.json', 'manifest.json', 'README.md', 'LICENSE', 'package.json']));
    const maps = files.filter((f) => f.endsWith('.map'));
    const sources = files.filter((f) => f.startsWith('src/'));
    expect(maps.length === 0 || sources.length > 0, `${maps.length} .map files without sources`).toBe(true);
  });
});

describe('a message and its hint', () => {
  it('read as two sentences, even when the message has no full stop', () => {
    expect(new WhataloError('CONFIG_INVALID', 'port 80 on 127.0.0.1 is already in use', { hint: 'Choose another --port.' }).toUserText()).toBe(
      'port 80 on 127.0.0.1 is already in use. Choose another --port.',
    );
    expect(new WhataloError('AUTH_REQUIRED', 'Signed out.', { hint: 'Run login.' }).toUserText()).toBe('Signed out. Run login.');
  });
});
