/**
 * The build-time listing (dist/tools/listing.json, written by scripts/listing.mjs) is what
 * `serve` answers tools/list with, without loading the records: it must be exactly what the
 * records make, and a build that no longer matches it must not be served from it. Also the
 * trimming rules of the listing, over every tool: a host pays for every tools/list byte in its context window.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { catalogOf } from '../../src/tools/listing.js';
import { loadCatalog } from '../../src/tools/listing-file.js';
import { ALL_TOOLS } from '../../src/tools/index.js';

const dist = new URL('../../dist/', import.meta.url);
const HOW = 'run `npm run build` (tsc, then scripts/listing.mjs)';

describe('dist/tools/listing.json', () => {
  it('is what the tool records make, and serve reads it (not the records) while it matches the build', async () => {
    const file = JSON.parse(readFileSync(new URL('tools/listing.json', dist), 'utf8'));
    expect(file.tools, HOW).toEqual(JSON.parse(JSON.stringify(catalogOf(ALL_TOOLS))));
    const loaded = await loadCatalog(new URL('tools/', dist));
    expect(loaded.from, HOW).toBe('build');
    expect(loaded.entries).toEqual(file.tools);
  });

  it('a listing made from other built files is not served: the catalog comes from the records instead', async () => {
    // The built files the digest covers, copied, with a listing that names another build
    // (what a tool edit followed by a plain `tsc` leaves behind).
    const copy = mkdtempSync(path.join(os.tmpdir(), 'whatalo-listing-'));
    try {
      for (const dir of ['tools', 'api', 'server']) cpSync(new URL(dir, dist), path.join(copy, dir), { recursive: true, filter: (f) => !f.endsWith('.map') });
      const tools = pathToFileURL(path.join(copy, 'tools') + path.sep);
      expect((await loadCatalog(tools)).from).toBe('build');
      const listingPath = path.join(copy, 'tools', 'listing.json');
      const stale = JSON.parse(readFileSync(listingPath, 'utf8'));
      stale.tools[0].listed.description = 'stale';
      writeFileSync(listingPath, JSON.stringify(stale));
      // The same digest still names this build: the file is trusted as written.
      expect((await loadCatalog(tools)).entries[0]!.listed.description).toBe('stale');
      // A tool module changed since the listing was written: the records are read instead.
      writeFileSync(path.join(copy, 'tools', 'store.js'), readFileSync(path.join(copy, 'tools', 'store.js'), 'utf8') + '\n// edited\n');
      const loaded = await loadCatalog(tools);
      expect(loaded.from).toBe('records');
      expect(loaded.entries[0]!.listed.description).toBe(ALL_TOOLS[0]!.description);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('the listing carries nothing a model cannot use', () => {
  const listed = catalogOf(ALL_TOOLS).map((e) => e.listed);
  const walk = (node: unknown, visit: (key: string, value: unknown) => void): void => {
    if (Array.isArray(node)) for (const n of node) walk(n, visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        visit(key, value);
        walk(value, visit);
      }
    }
  };

  it.each(listed.map((t) => [t.name, t] as const))('%s: no $schema, execution, annotations.title, additionalProperties or ±2^53 bounds', (_name, tool) => {
    expect(tool).not.toHaveProperty('execution');
    expect(tool.annotations).not.toHaveProperty('title');
    walk(tool, (key, value) => {
      expect(key).not.toBe('$schema');
      expect(key).not.toBe('additionalProperties');
      if (key === 'minimum' || key === 'maximum') expect(Math.abs(value as number)).not.toBe(Number.MAX_SAFE_INTEGER);
    });
  });

  it('averages at most 900 bytes per tool in a tools/list answer', () => {
    expect(Buffer.byteLength(JSON.stringify({ tools: listed })) / listed.length).toBeLessThanOrEqual(900);
  });
});
