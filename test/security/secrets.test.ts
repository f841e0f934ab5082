/**
 * Secrets, extending the broker's sweep (test/auth/leaks.test.ts: CLI sign-in, status, refresh,
 * step-up, logout) to the stdio server and its failure paths, at every log level including
 * debug: tool results (every isError text too), the server's stderr, the CLI's output and
 * every file in the config dir are swept for any token the sandbox issued, while faults make
 * the error paths run (introspection 500 and drop, refresh 500, API 500 and 429, a revoked
 * grant). Also: stored files are private (0600 files, 0700 dirs), and a token-shaped string
 * never comes back out in an error text or a log line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTree } from '../helpers/leaks.js';
import { runCli } from '../helpers/cli.js';
import { clearFaults, firedCount, setFaults } from '../helpers/faults.js';
import { suiteFigures } from '../helpers/figures.js';
import { sandboxEnv, textOf } from '../helpers/mcp.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { startServer, useSweptServers } from '../reliability/kit.js';

const figures = suiteFigures('security/secrets');
const { outputs, sandbox } = useSweptServers(figures);
const KEY = 'secrets-suite-passphrase';
let sb: TestSandbox;
let dir: string;

beforeAll(async () => {
  sb = await sandbox({ autoApprove: 'first' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-secrets-'));
  outputs.dirs.push(dir);
});

const env = (level: string, extra: Record<string, string> = {}) =>
  sandboxEnv(sb, {
    WHATALO_CONFIG_DIR: dir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: KEY,
    WHATALO_LOG_LEVEL: level,
    WHATALO_INTROSPECTION_TTL: '0',
    ...extra,
  });

async function cli(name: string, args: string[], level = 'debug') {
  const result = await runCli(args, { env: env(level) as Record<string, string> });
  outputs.add(`${name} stdout`, result.stdout);
  outputs.add(`${name} stderr`, result.stderr);
  return result;
}

describe('no token in any output, on success and failure paths, at every log level', () => {
  it.each(['debug', 'info', 'warn', 'error'])('WHATALO_LOG_LEVEL=%s', async (level) => {
    expect((await cli(`login (${level})`, ['login'], level)).code).toBe(0);
    const session = await startServer(outputs, { env: env(level) });
    try {
      const calls: [string, Record<string, unknown>][] = [
        ['get_store', {}],
        ['list_products', { limit: 5 }],
        ['get_product', { product_id: 'prd_missing' }],
        ['update_order_status', { order_id: 'ord_missing', status: 'confirmed' }],
      ];
      for (const [name, args] of calls) await session.call(name, args);
      const faults: Parameters<typeof setFaults>[1][] = [
        [{ path: '/oauth/introspect', status: 500 }],
        [{ path: '/oauth/introspect', drop: true }],
        [{ path: '/api/v1/*', status: 500 }],
        [{ path: '/api/v1/*', retry_after: 3600 }],
      ];
      for (const set of faults) {
        await setFaults(sb.issuer, set);
        const result = await session.call('get_store');
        expect(result.isError, textOf(result)).toBe(true);
        figures.add('faultsSurvived', await firedCount(sb.issuer));
      }
      // A refresh that fails, then one that succeeds.
      await sb.advanceClock(3601);
      await setFaults(sb.issuer, [{ path: '/oauth/token', status: 500 }]);
      expect((await session.call('get_store')).isError).toBe(true);
      figures.add('faultsSurvived', await firedCount(sb.issuer));
      await clearFaults(sb.issuer);
      expect((await session.call('get_store')).isError).toBeFalsy();
      // A grant revoked by the merchant: the call says to sign in again.
      const grant = (await sb.grants()).find((g) => !g.revoked && g.tokens.some((t) => t.active))!;
      await sb.disconnect(grant.client_id, grant.store_id);
      const revoked = await session.call('get_store');
      expect(revoked.isError).toBe(true);
      expect(textOf(revoked)).toMatch(/sign in/i);
    } finally {
      await clearFaults(sb.issuer);
      await session.close();
    }
    await cli(`status (${level})`, ['status', '--json'], level);
    await cli(`logout (${level})`, ['logout'], level);
    // Swept after each level, so a leak names the level that caused it.
    await outputs.sweep(sb, figures);
  });
});

describe('stored files are private', () => {
  it('the config dir and its subdirectories are 0700, every file 0600', async () => {
    expect((await cli('login', ['login'])).code).toBe(0);
    const files = await readTree(dir);
    expect(files.map((f) => path.basename(f.file))).toEqual(expect.arrayContaining(['clients.json', 'credentials.enc']));
    for (const { file } of files) expect(((await stat(file)).mode & 0o777).toString(8), file).toBe('600');
    const dirs = new Set([dir, ...files.map((f) => path.dirname(f.file))]);
    for (const d of dirs) expect(((await stat(d)).mode & 0o777).toString(8), d).toBe('700');
    // No plain-text secret: the client secret and tokens are only inside credentials.enc, sealed.
    const clients = files.find((f) => f.file.endsWith('clients.json'))!.text;
    expect(clients).not.toMatch(/secret"\s*:|access_token|refresh_token/);
  });
});

describe('a token-shaped string never comes back out', () => {
  // Masking is by shape (src/log.ts redact: a standalone 43-character base64url run). A token
  // glued to other base64url characters ("cus_<token>") is a longer run and is not masked; no
  // code builds such strings, and the sweeps above look at every substring of every run.
  it('as a tool argument: not in the error text, not in a debug log line', async () => {
    const session = await startServer(outputs, { env: env('debug') });
    try {
      const planted = randomBytes(32).toString('base64url');
      const places: [string, Record<string, unknown>][] = [
        ['get_product', { product_id: planted }],
        ['list_products', { query: planted }],
        ['list_products', { cursor: planted }],
        ['get_customer', { customer_id: planted }],
        ['create_category', { name: `see ${planted}.` }],
        ['adjust_inventory', { product_id: planted, delta: 1, reason: `token ${planted}` }],
      ];
      for (const [name, args] of places) {
        const result = await session.call(name, args);
        // The text (what a model reads, error or not) masks it; structuredContent is the
        // store's own data (a category may be named anything) and is returned as stored.
        expect(textOf(result)).not.toContain(planted);
        figures.add('hostileInputs');
      }
      expect(session.stderr()).not.toContain(planted);
    } finally {
      await session.close();
    }
  });
});
