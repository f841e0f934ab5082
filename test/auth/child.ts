/**
 * Running built code in real child processes, for the cross-process tests of the lock and
 * the credential file (in-process calls would only prove the in-process queue).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** file:// URL of a module in dist/, for `import()` inside child scripts. */
export function distUrl(module: string): string {
  return new URL(`dist/${module}.js`, new URL(`file://${root}`)).href;
}

/** Fails fast when dist/ is missing or older than the sources the children will run. */
export function assertBuilt(modules: string[]): void {
  for (const m of modules) {
    const src = path.join(root, `src/${m}.ts`);
    const out = path.join(root, `dist/${m}.js`);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(`${out} is missing or older than ${src}: run \`npx tsc -p .\` first`);
    }
  }
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs an ES module script in a fresh node; resolves when it exits. `clean` starts from PATH and HOME only. */
export function runNode(script: string, env: Record<string, string> = {}, options: { clean?: boolean } = {}): Promise<ChildResult> {
  const base = options.clean ? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
