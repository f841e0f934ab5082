/**
 * Remote mode end to end, all real processes and sockets: the SDK's Client over stdio →
 * spawned `serve --remote` → spawned `serve --http` (this package's resource server) → the
 * sandbox AS and API. The relay signs in from the 401 (RFC 9728 metadata, DCR, PKCE,
 * `resource`), passes every message through, steps up on 403, refreshes, shares one sign-in
 * with a second instance, and `status` / `logout` manage the same grant.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli, spawnCli } from '../helpers/cli.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { FETCH_BROWSER, type McpSession, startMcp, textOf } from '../helpers/mcp.js';
import { freePort } from '../helpers/ports.js';
import { useTestSandbox } from '../helpers/sandbox.js';

const FILE_STORE = { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'a passphrase for tests' };

describe('serve --remote against serve --http', () => {
  const sb = useTestSandbox({ autoApprove: 'first' });
  let http: CliRun;
  let remoteUrl: string;
  let configDir: string;
  /** Everything the relays and commands printed, for the leak sweep. */
  const outputs: Record<string, string> = {};

  /** `serve --http` on `port`, as an operator runs it. */
  async function startHttp(port: number): Promise<CliRun> {
    const url = `http://127.0.0.1:${port}/mcp`;
    const run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', url, '--issuer', sb.issuer, '--api-base', sb.apiBase], {
      timeoutMs: 300_000,
      // Every request introspected: a token the sandbox's clock has expired is refused (401) at once, as a real server's would be.
      env: { WHATALO_INTROSPECTION_TTL: '0' },
    });
    await run.waitForStderr(/listening on/);
    return run;
  }

  beforeAll(async () => {
    const port = await freePort();
    remoteUrl = `http://127.0.0.1:${port}/mcp`;
    http = await startHttp(port);
    configDir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-remote-'));
  });

  afterAll(async () => {
    http?.kill();
    await http?.result;
    await rm(configDir, { recursive: true, force: true });
  });

  function relay(options: { env?: Record<string, string>; url?: string; dir?: string; onStderr?: (chunk: string) => void } = {}): Promise<McpSession> {
    return startMcp({
      args: ['--remote', options.url ?? remoteUrl],
      configDir: options.dir ?? configDir,
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      env: { ...FILE_STORE, BROWSER: FETCH_BROWSER, ...options.env },
    });
  }

  /** A command (status, logout) for the remote grant, from the same config dir and store. */
  async function command(args: string[], dir = configDir, url = remoteUrl) {
    const result = await runCli([...args, '--remote', url], { env: { ...FILE_STORE, WHATALO_CONFIG_DIR: dir, HOME: dir } });
    outputs[`${args.join(' ')} stdout`] = (outputs[`${args.join(' ')} stdout`] ?? '') + result.stdout;
    outputs[`${args.join(' ')} stderr`] = (outputs[`${args.join(' ')} stderr`] ?? '') + result.stderr;
    return result;
  }

  async function status(
    dir = configDir,
  ): Promise<{ signed_in: boolean; resource: string; issuer: string; store_id: string | null; scopes: string[]; credential_store: string }> {
    return JSON.parse((await command(['status', '--json'], dir)).stdout);
  }

  it('signs in once from the 401, lists the remote tools and calls a read tool; status names the resource, AS, store and scopes', async () => {
    const session = await relay();
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toContain('get_store');
      const result = await session.call('get_store');
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toContain(sb.stores[0]!.id);
      expect(session.stderr().match(/open this URL/g)).toHaveLength(1);
      // The authorization request named the protected resource (RFC 8707), not API v1.
      expect(session.stderr()).toContain(`resource=${encodeURIComponent(remoteUrl)}`);
    } finally {
      outputs['first relay'] = session.stderr();
      await session.close();
    }
    const report = await status();
    expect(report).toMatchObject({ signed_in: true, resource: remoteUrl, issuer: `${sb.issuer}/`, store_id: sb.stores[0]!.id });
    // The human form names the store too, as the direct mode's does.
    expect((await command(['status'])).stdout).toMatch(new RegExp(`^  store: +.*${sb.stores[0]!.id}`, 'm'));
    // The first sign-in asked for what the server's challenge named: every scope its tools need,
    // writes included, since Whatalo keeps a client's registered scope as the ceiling of every later request.
    expect(report.scopes).toContain('read:store');
    expect(report.scopes).toContain('write:products');
    expect(report.credential_store).toContain(configDir);
    // clients.json names the client under the resource and the issuer, with no secret in it.
    const clients = JSON.parse(await readFile(path.join(configDir, 'clients.json'), 'utf8')) as { clients: Record<string, unknown> };
    expect(Object.keys(clients.clients)).toEqual([`${remoteUrl} ${sb.issuer}/`]);
  });

  // The relay's step-up after a 403 insufficient_scope is in test/remote/remote-auth.test.ts: against
  // serve --http the first grant already holds every scope the challenge named.
  it('runs a write tool on the stored grant with no second sign-in, then refreshes silently once the token expires', async () => {
    const session = await relay();
    try {
      // The stored grant serves a read and a write without a sign-in.
      expect((await session.call('get_store')).isError).toBeFalsy();
      const created = await session.call('create_category', { name: `Remote ${Date.now()}` });
      expect(created.isError, textOf(created)).toBeFalsy();
      expect(textOf(created)).toMatch(/Created category|Categor/);
      expect(session.stderr()).not.toContain('open this URL');

      // The sandbox's clock moves past the access token's expiry; the relay learns of it from the server's 401.
      const before = await sb.stats();
      await sb.advanceClock(3 * 3600);
      const later = await session.call('get_store');
      expect(later.isError).toBeFalsy();
      const after = await sb.stats();
      expect(after.grants.refresh_token).toBe(before.grants.refresh_token + 1);
      expect(after.grants.authorization_code).toBe(before.grants.authorization_code);
      expect(session.stderr()).not.toContain('open this URL');
    } finally {
      outputs['step-up relay'] = session.stderr();
      await session.close();
    }
    expect((await status()).scopes).toContain('write:products');
    // With the grant stored: neither clients.json nor the encrypted store holds a token in the clear.
    const stored = await sweepForTokens(sb, { dirs: [configDir] });
    expect(stored.tokens).toBeGreaterThan(0);
    expect(stored.leaks).toEqual([]);
  });

  it('two instances started together share one sign-in (one browser tab)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-remote-'));
    const gate = path.join(dir, 'gate');
    const browserLog = path.join(dir, 'browser.log');
    const before = await sb.stats();
    // The first browser is held until the other instance waits for its sign-in: then both flows overlap for certain.
    const onStderr = (chunk: string) => {
      if (/another whatalo-mcp is signing in/i.test(chunk)) writeFileSync(gate, '');
    };
    const env = { WHATALO_TEST_BROWSER_GATE: gate, WHATALO_TEST_BROWSER_LOG: browserLog };
    const [a, b] = await Promise.all([relay({ dir, env, onStderr }), relay({ dir, env, onStderr })] as const);
    try {
      const results = await Promise.all([a.call('get_store'), b.call('get_store')]);
      for (const result of results) expect(result.isError).toBeFalsy();
      expect(existsSync(gate)).toBe(true);
      const launches = (await readFile(browserLog, 'utf8')).split('\n').filter((line) => line.includes('"launched"'));
      expect(launches).toHaveLength(1);
      expect((await sb.stats()).grants.authorization_code).toBe(before.grants.authorization_code + 1);
    } finally {
      outputs['concurrent relay a'] = a.stderr();
      outputs['concurrent relay b'] = b.stderr();
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers a tool call with a clear error while the remote is down, serves again once it is back; logout works once it is gone', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/mcp`;
    let own = await startHttp(port);
    const session = await relay({ url });
    try {
      expect((await session.call('get_store')).isError).toBeFalsy();
      own.kill();
      await own.result;
      const down = await session.call('get_store');
      expect(down.isError).toBe(true);
      expect(textOf(down)).toContain(`The MCP server at ${url} cannot be reached (ECONNREFUSED)`);
      // The stdio session is still there: the next call, once the server is back, works.
      own = await startHttp(port);
      const back = await session.call('get_store');
      expect(back.isError).toBeFalsy();
      expect(textOf(back)).toContain(sb.stores[0]!.id);
    } finally {
      outputs['down relay'] = session.stderr();
      await session.close();
      own.kill();
      await own.result;
    }
    // A server that is gone for good: logout still removes the grant kept here, and says it could not revoke it.
    const out = await command(['logout'], configDir, url);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Signed out here: the tokens were removed');
    expect(out.stdout).toContain(`The MCP server at ${url} cannot be reached (ECONNREFUSED)`);
    const clients = JSON.parse(await readFile(path.join(configDir, 'clients.json'), 'utf8')) as { clients: Record<string, unknown> };
    expect(Object.keys(clients.clients).filter((key) => key.startsWith(`${url} `))).toEqual([]);
  });

  it('logout revokes the grant at the AS and removes it; status then says not signed in', async () => {
    const clients = JSON.parse(await readFile(path.join(configDir, 'clients.json'), 'utf8')) as { clients: Record<string, { client_id: string }> };
    const clientId = clients.clients[`${remoteUrl} ${sb.issuer}/`]!.client_id;
    const out = await command(['logout']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Signed out: the tokens were revoked');
    const report = await status();
    expect(report.signed_in).toBe(false);
    expect(report.resource).toBe(remoteUrl);
    // The way back in is the sign-in for this server, not the direct mode's `login`.
    const told = await command(['status']);
    expect(told.code).toBe(1);
    expect(told.stdout + told.stderr).toContain(`Run \`whatalo-mcp login --remote ${remoteUrl}\``);
    // The grant this client held is revoked at the sandbox: none of its tokens is active any more.
    const grants = (await sb.grants()).filter((g) => g.client_id === clientId);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.filter((g) => g.tokens.some((t) => t.active))).toEqual([]);
    // The last grant kept here is gone, and clients.json with it.
    expect(existsSync(path.join(configDir, 'clients.json'))).toBe(false);
  });

  it('left no token in the clear: not in any output, not in any file of the config dir', async () => {
    const report = await sweepForTokens(sb, { texts: outputs, dirs: [configDir] });
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.leaks).toEqual([]);
  });
});
