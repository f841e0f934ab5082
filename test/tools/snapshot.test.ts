/**
 * Every tool as a host sees it (name, title, description, annotations, input and output
 * schemas) plus its toolset and scope, one sorted-key JSON file per tool. A change to any
 * of these changes what models and hosts see, so it must be a reviewed diff:
 *
 *   UPDATE_SNAPSHOTS=1 npx vitest run test/tools/snapshot.test.ts
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { listTools } from './listing.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'snapshots');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const HOW = 'If the change is intended, run `UPDATE_SNAPSHOTS=1 npx vitest run test/tools/snapshot.test.ts` and commit test/tools/snapshots/.';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

describe('tool schema snapshots', async () => {
  const listed = await listTools(ALL_TOOLS);
  const views = listed.map((tool) => {
    const record = ALL_TOOLS.find((t) => t.name === tool.name)!;
    return { name: tool.name, json: JSON.stringify(sortKeys({ ...tool, toolset: record.toolset, scope: record.scope }), null, 2) + '\n' };
  });

  it.each(views.map((v) => [v.name, v] as const))('%s matches test/tools/snapshots/%s.json', (name, view) => {
    const file = path.join(DIR, `${name}.json`);
    if (UPDATE) writeFileSync(file, view.json);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    expect(committed, `no snapshot for ${name}. ${HOW}`).toBeDefined();
    expect(view.json, `${name} drifted from its snapshot. ${HOW}`).toBe(committed);
  });

  it('has no snapshot for a tool that no longer exists', () => {
    const names = new Set(views.map((v) => `${v.name}.json`));
    const stale = readdirSync(DIR).filter((f) => f.endsWith('.json') && !names.has(f));
    if (UPDATE) for (const f of stale) unlinkSync(path.join(DIR, f));
    else expect(stale, `stale snapshots. ${HOW}`).toEqual([]);
  });
});
