/**
 * The broker as tool calls use it, through the real stdio server: step-up for a write tool,
 * revocation by the merchant, silent refresh, the introspection cache (counted at the
 * sandbox), concurrent cold calls, and URL-mode elicitation with progress notifications.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CancelledNotificationSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type McpSession, sandboxEnv, startMcp, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

const recorder = path.resolve(import.meta.dirname, '../fixtures/record-url.mjs');

let sb: TestSandbox | undefined;
const sessions: McpSession[] = [];
const dirs: string[] = [];

async function mcp(options: Parameters<typeof startMcp>[0]): Promise<McpSession> {
  const session = await startMcp(options);
  sessions.push(session);
  return session;
}

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  await sb?.close();
  sb = undefined;
});

/** Follows the sandbox's auto-approve redirects to the loopback callback, as a browser would. */
async function followToCallback(url: string): Promise<number> {
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, { redirect: 'manual' });
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) next = new URL(location, next).href;
    else return response.status;
  }
  throw new Error('too many redirects');
}

describe('step-up', () => {
  it('a read-only grant calling a write tool asks for the write scope; unanswered (BROWSER=none), it is isError naming the scope and the URL', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-stepup-'));
    dirs.push(configDir);
    const fileStore = { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'correct horse battery staple' };

    // Sign in once with read scopes (a browser completes it), then leave.
    const first = await mcp({ env: sandboxEnv(sb, fileStore), configDir });
    expect((await first.call('get_store')).isError).toBeFalsy();
    await first.close();

    // A second process finds the read-only grant; nobody will complete a new sign-in.
    const second = await mcp({ env: sandboxEnv(sb, { ...fileStore, BROWSER: 'none', WHATALO_LOGIN_TIMEOUT: '2' }), configDir });
    expect((await second.call('list_products', { limit: 1 })).isError).toBeFalsy();
    const result = await second.call('create_product', { name: 'Needs write', price: 1 });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain('write:products');
    expect(text).toContain(`${sb.issuer}/oauth/authorize?`);
    expect(second.stderr()).toContain(`${sb.issuer}/oauth/authorize?`);
    expect((await sb.stats()).grants.authorization_code).toBe(1);
    // Reads still work on the old grant.
    expect((await second.call('get_store')).isError).toBeFalsy();
  });
});

describe('--scopes', () => {
  it('grants the named scopes at the first sign-in, so a write tool needs no step-up', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const session = await mcp({ env: sandboxEnv(sb), args: ['--scopes', 'read:store,write:products'] });
    expect((await session.call('get_store')).isError).toBeFalsy();
    expect((await session.call('create_category', { name: 'Por adelantado' })).isError).toBeFalsy();
    const grants = await sb.grants();
    expect(grants).toHaveLength(1);
    expect(grants[0]!.scope.split(' ').sort()).toEqual(['read:store', 'write:products']);
    expect((await sb.stats()).grants.authorization_code).toBe(1);
  });
});

describe('revocation and expiry', () => {
  it('after the merchant disconnects the app, calls fail with the sign-in message (TTL 1 s), never a crash', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const session = await mcp({ env: sandboxEnv(sb, { WHATALO_INTROSPECTION_TTL: '1' }) });
    expect((await session.call('get_store')).isError).toBeFalsy();
    const [grant] = await sb.grants();
    expect(await sb.disconnect(grant!.client_id, grant!.store_id)).toBe(1);
    const result = await session.call('get_store');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/whatalo-mcp login/);
    expect(await session.client.ping()).toEqual({});
  });

  it('with an expired access token, calls succeed by one silent refresh', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const session = await mcp({ env: sandboxEnv(sb) });
    expect((await session.call('get_store')).isError).toBeFalsy();
    await sb.advanceClock(3700);
    for (let i = 0; i < 3; i++) expect((await session.call('get_store')).isError).toBeFalsy();
    const stats = await sb.stats();
    expect(stats.refreshes).toBe(1);
    expect(stats.grants.authorization_code).toBe(1);
  });
});

describe('introspection cache', () => {
  const fileStore = { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'correct horse battery staple' };

  /** A config dir holding a grant, signed in by another process, and stats counted from zero. */
  async function signedIn(testSandbox: TestSandbox): Promise<string> {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-cache-'));
    dirs.push(configDir);
    const first = await mcp({ env: sandboxEnv(testSandbox, fileStore), configDir });
    expect((await first.call('get_store')).isError).toBeFalsy();
    await first.close();
    await testSandbox.resetStats();
    return configDir;
  }

  it('200 calls within the TTL make exactly one introspection', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const configDir = await signedIn(sb);
    const session = await mcp({ env: sandboxEnv(sb, { ...fileStore, BROWSER: 'none' }), configDir });
    for (let i = 0; i < 200; i++) {
      const result = await session.call(i % 2 ? 'get_store' : 'list_categories', i % 2 ? {} : { limit: 5 });
      expect(result.isError).toBeFalsy();
    }
    const stats = await sb.stats();
    expect(stats.introspections).toBe(1);
    expect(stats.requests['GET /api/v1/store']).toBe(100);
    expect(stats.requests['GET /api/v1/categories']).toBe(100);
  });

  it('50 concurrent cold calls make one introspection', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const configDir = await signedIn(sb);
    const session = await mcp({ env: sandboxEnv(sb, { ...fileStore, BROWSER: 'none' }), configDir });
    const results = await Promise.all(Array.from({ length: 50 }, () => session.call('get_store')));
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    const stats = await sb.stats();
    expect(stats.introspections).toBe(1);
    expect(stats.requests['GET /api/v1/store']).toBe(50);
  });

  it("a first sign-in costs one introspection: the call after it reuses the sign-in's answer", async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const session = await mcp({ env: sandboxEnv(sb) });
    for (let i = 0; i < 3; i++) expect((await session.call('get_store')).isError).toBeFalsy();
    const stats = await sb.stats();
    expect(stats.grants.authorization_code).toBe(1);
    expect(stats.introspections).toBe(1);
  });

  it('50 concurrent first-use calls make one sign-in and one registration', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const session = await mcp({ env: sandboxEnv(sb) });
    const results = await Promise.all(Array.from({ length: 50 }, () => session.call('get_store')));
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    const stats = await sb.stats();
    expect(stats.grants.authorization_code).toBe(1);
    expect(stats.registrations).toBe(1);
  });
});

describe('the host shows the sign-in link', () => {
  it('with elicitation.url, the URL goes to the host (not the browser), progress is reported, and the call returns its result', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const elicited: { mode: string; url: string; elicitationId: string }[] = [];
    const session = await mcp({
      env: sandboxEnv(sb, { BROWSER: 'none' }),
      clientOptions: { capabilities: { elicitation: { url: {} } } },
      setup(client) {
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          const params = request.params as { mode: string; url: string; elicitationId: string };
          elicited.push(params);
          // The person opens the link; here the redirects are followed to the loopback.
          void followToCallback(params.url);
          return { action: 'accept' };
        });
      },
    });
    const progress: string[] = [];
    const result = await session.client.callTool({ name: 'get_store', arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
      timeout: 30_000,
    });
    expect(result.isError).toBeFalsy();
    expect(elicited).toHaveLength(1);
    expect(elicited[0]).toMatchObject({ mode: 'url', url: expect.stringMatching(new RegExp(`^${sb.issuer}/oauth/authorize\\?`)) });
    expect(progress.length).toBeGreaterThan(0);
    expect((await sb.stats()).grants.authorization_code).toBe(1);
  });
});

describe('a sign-in link the host does not complete', () => {
  /** A session whose host takes the link and never answers; BROWSER records any launch in `record`. */
  async function unansweredHost(record: string, env: Record<string, string> = {}) {
    const cancelled: number[] = [];
    const asked: number[] = [];
    const session = await mcp({
      env: sandboxEnv(sb!, { BROWSER: `${process.execPath} ${recorder} ${record}`, ...env }),
      clientOptions: { capabilities: { elicitation: { url: {} } } },
      setup(client) {
        // Never answered: the person has not acted on the link yet.
        client.setRequestHandler(ElicitRequestSchema, () => {
          asked.push(Date.now());
          return new Promise(() => {});
        });
        // Seen here rather than through the handler's signal: the SDK's client drops a
        // cancellation of request id 0 (a falsy-id check), and the link is the server's first request.
        client.setNotificationHandler(CancelledNotificationSchema, () => void cancelled.push(Date.now()));
      },
    });
    return { session, asked, cancelled };
  }

  it("is withdrawn at the login timeout (not the SDK's 60 s), and no browser opens after it", async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-elicit-'));
    dirs.push(dir);
    const record = path.join(dir, 'launches.jsonl');
    const { session, asked, cancelled } = await unansweredHost(record, { WHATALO_LOGIN_TIMEOUT: '2' });
    const result = await session.call('get_store');
    expect(result.isError).toBe(true);
    // The server withdraws its request itself (notifications/cancelled) once the sign-in's time is up.
    for (let i = 0; i < 60 && cancelled.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(asked).toHaveLength(1);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]! - asked[0]!).toBeLessThan(8_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(existsSync(record)).toBe(false);
  });

  it('never opens the browser once the host has stopped waiting (the call cancelled)', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-elicit-'));
    dirs.push(dir);
    const record = path.join(dir, 'launches.jsonl');
    const { session, asked } = await unansweredHost(record);
    const controller = new AbortController();
    const call = session.client.callTool({ name: 'get_store', arguments: {} }, undefined, { signal: controller.signal, timeout: 30_000 });
    call.catch(() => {});
    for (let i = 0; i < 100 && asked.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(asked).toHaveLength(1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(existsSync(record)).toBe(false);
    expect(session.stderr()).not.toContain('open this URL');
  });
});
