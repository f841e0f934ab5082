/**
 * No import circles in src/: two modules that each need the other cannot be read, tested or
 * loaded lazily on their own. The check is scripts/import-circles.mjs, run as a process on
 * the real tree, and shown to find a circle in a small tree that has one.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts/import-circles.mjs');
const run = promisify(execFile);

async function circles(dir: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [script, dir], { cwd: root });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

const temp: string[] = [];
afterAll(() => Promise.all(temp.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('import circles', () => {
  it('src/ has none', async () => {
    const result = await circles(path.join(root, 'src'));
    expect(result.stdout).toBe('no import circles in src\n');
    expect(result.code).toBe(0);
  });

  it('are found through `import type` and `import()`, not only value imports, and fail the check', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-circles-'));
    temp.push(dir);
    await mkdir(path.join(dir, 'server'));
    await mkdir(path.join(dir, 'tools'));
    await writeFile(path.join(dir, 'tools/catalog.ts'), "export async function load() {\n  return import('../server/listing.js');\n}\n");
    await writeFile(path.join(dir, 'server/listing.ts'), "import type { load } from '../tools/catalog.js';\nexport type L = typeof load;\n");
    await writeFile(path.join(dir, 'leaf.ts'), "// import { x } from './tools/catalog.js' (a comment, not an import)\nexport const leaf = 1;\n");
    const result = await circles(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('import circle: server/listing.ts ↔ tools/catalog.ts\n');
  });
});
