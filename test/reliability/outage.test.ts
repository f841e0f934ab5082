/**
 * Outages, through the real stdio server (node dist/cli.js serve, driven by the SDK Client)
 * against the sandbox with injected faults: the AS or the API down at start, introspection
 * failing (500, dropped, slower than the client's 15 s timeout), the token endpoint failing
 * during a refresh, API 5xx and 429. Each must end in a message a merchant can act on, never a
 * crash or a hang past its bound, never a call on an unverified token, never a grant lost or
 * revoked because of the client, and the server must recover by itself once the fault ends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import { clearFaults, firedCount, setFaults } from '../helpers/faults.js';
import { suiteFigures } from '../helpers/figures.js';
import { type McpSession, FETCH_BROWSER, sandboxEnv, textOf } from '../helpers/mcp.js';
import { freePort } from '../helpers/ports.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { apiRequests, expectActionableError, useSweptServers } from './kit.js';

const figures = suiteFigures('reliability/outage');
const suite = useSweptServers(figures);

function sandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  return suite.sandbox({ autoApprove: 'first', rateLimit: { limit: 100_000, windowSeconds: 60 }, ...options });
}

function server(env: Record<string, string | undefined>, args: string[] = []) {
  return suite.server({ env, args });
}

/** A server signed in to `sb` (first call signs in through the stand-in browser). */
async function signedIn(sb: TestSandbox, extra: Record<string, string> = {}) {
  const session = await server(sandboxEnv(sb, extra));
  const first = await session.call('get_store');
  expect(first.isError, textOf(first)).toBeFalsy();
  return session;
}

function storeIdOf(result: Awaited<ReturnType<McpSession['call']>>): string {
  return (result.structuredContent as { store: { id: string } }).store.id;
}

describe('the AS or the API down when the server starts', () => {
  it('starts, lists tools, answers each call with a clear error, and recovers by itself when the AS comes back', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const session = await server({ WHATALO_ISSUER: issuer, WHATALO_API_BASE: `${issuer}/api/v1`, BROWSER: FETCH_BROWSER });
    const tools = await session.client.listTools();
    expect(tools.tools.length).toBeGreaterThanOrEqual(17);
    for (const name of ['get_store', 'list_products', 'list_orders']) {
      expectActionableError(await session.call(name, {}), new RegExp(`Could not reach Whatalo at ${issuer}.*ECONNREFUSED.*try again`, 'is'));
      figures.add('faultsSurvived');
    }
    // The AS comes back on the same port: the next call signs in and works, no restart.
    const sb = await sandbox({ port });
    const result = await session.call('get_store');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(storeIdOf(result)).toBe(sb.stores[0]!.id);
  });

  it('with the API down, calls fail with a clear, bounded error, then work when it is back', async () => {
    const sb = await sandbox();
    const session = await signedIn(sb);
    await setFaults(sb.issuer, [{ path: '/api/v1/*', down: true }]);
    const before = apiRequests(await sb.stats());
    expectActionableError(await session.call('list_products', {}), /Whatalo|API|reach|unavailable/i);
    // A GET is retried with backoff, boundedly (CONTRACT V7: 3 retries), never in a loop.
    const tried = apiRequests(await sb.stats()) - before;
    expect(tried).toBeGreaterThanOrEqual(1);
    expect(tried).toBeLessThanOrEqual(4);
    figures.add('faultsSurvived', await firedCount(sb.issuer));
    await clearFaults(sb.issuer);
    const result = await session.call('list_products', {});
    expect(result.isError, textOf(result)).toBeFalsy();
  });
});

describe('introspection failing: fail closed, never call the API on an unverified token', () => {
  let sb: TestSandbox;
  let session: McpSession;
  beforeAll(async () => {
    sb = await sandbox();
  });

  // Each test signs in afresh with TTL 0, so every call introspects (no cached "active").
  const cases: [string, Parameters<typeof setFaults>[1], RegExp][] = [
    [
      '500',
      [{ path: '/oauth/introspect', status: 500 }],
      /failed while checking the access token \(HTTP 500\)|unavailable right now while checking the access token/,
    ],
    ['503 with Retry-After', [{ path: '/oauth/introspect', status: 503, retry_after: 5 }], /unavailable right now while checking the access token|HTTP 503/],
    ['dropped connections', [{ path: '/oauth/introspect', drop: true }], /Could not reach Whatalo at .* while checking the access token/],
    [
      'an answer slower than the 15 s timeout',
      [{ path: '/oauth/introspect', latency_ms: 30_000 }],
      /timed out while checking the access token \(no answer within 15 s\)/,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_name, faults, message) => {
      session = await signedIn(sb, { WHATALO_INTROSPECTION_TTL: '0' });
      await setFaults(sb.issuer, faults);
      const before = await sb.stats();
      const text = expectActionableError(await session.call('get_store'), message);
      expect(text).toMatch(/try again/i);
      // Not one API request went out on a token that could not be verified.
      expect(apiRequests(await sb.stats())).toBe(apiRequests(before));
      figures.add('faultsSurvived', await firedCount(sb.issuer));
      // The process is alive and recovers by itself; the grant was not dropped.
      await clearFaults(sb.issuer);
      const after = await session.call('get_store');
      expect(after.isError, textOf(after)).toBeFalsy();
      expect(storeIdOf(after)).toBe(sb.stores[0]!.id);
    },
    60_000,
  );
});

describe('the token endpoint failing during a refresh', () => {
  const cases: [string, Parameters<typeof setFaults>[1]][] = [
    ['500', [{ path: '/oauth/token', status: 500 }]],
    ['dropped connections', [{ path: '/oauth/token', drop: true }]],
    ['503 temporarily_unavailable', [{ path: '/oauth/token', status: 503, retry_after: 1 }]],
  ];
  it.each(cases)('%s: the grant is kept and retried later, no loop, and it works once the AS is back', async (_name, faults) => {
    const sb = await sandbox();
    const session = await signedIn(sb, { WHATALO_INTROSPECTION_TTL: '0' });
    // The access token expires at the AS (its clock moves); the next call must refresh.
    await sb.advanceClock(3601);
    await setFaults(sb.issuer, faults);
    await sb.resetStats();
    const calls = 3;
    for (let i = 0; i < calls; i++) {
      expectActionableError(await session.call('get_store'), /while refreshing the access token.*try again/is);
    }
    const stats = await sb.stats();
    // Bounded: one refresh attempt per call (the lock + single flight), not a retry loop.
    expect(stats.requests['POST /oauth/token']).toBeGreaterThanOrEqual(calls);
    expect(stats.requests['POST /oauth/token']).toBeLessThanOrEqual(calls);
    expect(apiRequests(stats)).toBe(0);
    figures.add('faultsSurvived', await firedCount(sb.issuer));
    // The grant is alive at the AS: the client neither dropped it nor caused a revocation.
    const grants = await sb.grants();
    expect(grants.filter((g) => g.revoked)).toEqual([]);
    await clearFaults(sb.issuer);
    const result = await session.call('get_store');
    expect(result.isError, textOf(result)).toBeFalsy();
    const after = await sb.stats();
    expect(after.refreshes).toBe(1);
    expect((await sb.grants()).filter((g) => g.revoked)).toEqual([]);
  });
});

describe('API v1 5xx and 429', () => {
  let sb: TestSandbox;
  let session: McpSession;
  beforeAll(async () => {
    sb = await sandbox();
  });

  it('a share of 500s on reads is absorbed by the bounded retry: every call gets its answer', async () => {
    session = await signedIn(sb);
    await setFaults(sb.issuer, [{ path: '/api/v1/*', method: 'GET', status: 500, rate: 0.5 }]);
    for (let i = 0; i < 10; i++) {
      const result = await session.call('get_store');
      expect(result.isError, textOf(result)).toBeFalsy();
    }
    figures.add('faultsSurvived', await firedCount(sb.issuer));
    await clearFaults(sb.issuer);
  });

  it('a 500 on a create is not repeated (it may have been made), and says so', async () => {
    session = await signedIn(sb, {});
    await setFaults(sb.issuer, [{ path: '/api/v1/products', method: 'POST', status: 500, count: 1 }]);
    await sb.resetStats();
    const text = expectActionableError(
      await session.call('create_product', { name: 'Fault test', price: 10 }),
      /may or may not have been made: read the item back/,
    );
    expect(text).not.toMatch(/succeeded/);
    expect((await sb.stats()).requests['POST /api/v1/products']).toBe(1);
    figures.add('faultsSurvived');
    await clearFaults(sb.issuer);
  });

  it('a 429 with Retry-After is waited out and retried: the caller sees the result', async () => {
    session = await signedIn(sb);
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 1, count: 1 }]);
    await sb.resetStats();
    const result = await session.call('get_store');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((await sb.stats()).requests['GET /api/v1/store']).toBe(2);
    figures.add('faultsSurvived');
    await clearFaults(sb.issuer);
  });

  it('a 429 that persists ends in a clear rate-limit error after a bounded number of tries', async () => {
    session = await signedIn(sb);
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 1 }]);
    await sb.resetStats();
    expectActionableError(await session.call('get_store'), /rate limit|too many requests/i);
    const tries = (await sb.stats()).requests['GET /api/v1/store']!;
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(3);
    figures.add('faultsSurvived', tries);
    await clearFaults(sb.issuer);
  });

  it('a Retry-After longer than the wait bound fails at once with the time to wait, instead of hanging', async () => {
    session = await signedIn(sb);
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 3600 }]);
    await sb.resetStats();
    expectActionableError(await session.call('get_store'), /rate limit|too many requests/i);
    expect((await sb.stats()).requests['GET /api/v1/store']).toBe(1);
    figures.add('faultsSurvived');
    await clearFaults(sb.issuer);
  });
});
