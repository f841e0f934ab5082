/**
 * scripts/sandbox-token.mjs, as a reader of docs/http-server.md runs it against
 * `serve --http --sandbox`: the token never lands in the working tree, an existing file is never
 * overwritten, and --scope asks for what the reader wants.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/sandbox-token.mjs');

function sandboxToken(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('scripts/sandbox-token.mjs against serve --http --sandbox', () => {
  let run: CliRun;
  let publicUrl: string;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'whatalo-token-cwd-'));

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}/mcp`;
    run = spawnCli(['serve', '--http', '--sandbox', '--port', String(port), '--public-url', publicUrl]);
    await run.waitForStderr(/MCP resource server for .* listening on/);
  });
  afterAll(async () => {
    run.kill();
    await run.result;
    rmSync(cwd, { recursive: true, force: true });
  });

  it('without OUT_FILE writes the token 0600 into a new private temp directory, not the working directory, and prints no token', async () => {
    const result = await sandboxToken([publicUrl], cwd);
    expect(result.code, result.stderr).toBe(0);
    const file = /is in (\S+)$/m.exec(result.stderr)?.[1];
    expect(file).toBeDefined();
    expect(path.dirname(path.dirname(file!))).toBe(os.tmpdir());
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const token = readFileSync(file!, 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stdout + result.stderr).not.toContain(token);
    expect(existsSync(path.join(cwd, 'token.txt'))).toBe(false);
    rmSync(path.dirname(file!), { recursive: true, force: true });
  });

  it('refuses to overwrite an existing file', async () => {
    const existing = path.join(cwd, 'keep.txt');
    writeFileSync(existing, 'mine');
    const result = await sandboxToken([publicUrl, existing], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the file exists/);
    expect(readFileSync(existing, 'utf8')).toBe('mine');
  });

  it('--scope asks for the scopes named, instead of the challenge', async () => {
    const out = path.join(cwd, 'scoped');
    const result = await sandboxToken([publicUrl, out, '--scope', 'read:store'], cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\(scope read:store\)/);
  });
});
