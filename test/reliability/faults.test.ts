/**
 * The fault injection itself (src/sandbox/faults.ts), over real HTTP: what the other
 * reliability suites rely on when they make the sandbox misbehave. Faults must be exact
 * (a share fires on a predictable request, a count stops), shaped like the endpoint's own
 * errors, counted in /sandbox/stats, strictly validated, and never able to lock a test out
 * of the /sandbox/* controls.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { clearFaults, listFaults, setFaults } from '../helpers/faults.js';
import { suiteFigures } from '../helpers/figures.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

const figures = suiteFigures('reliability/faults');
let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});
afterEach(async () => {
  await clearFaults(sb.issuer);
  await sb.resetStats();
});

async function postFaults(body: unknown): Promise<{ status: number; body: { message?: string; faults?: unknown[] } }> {
  const response = await fetch(`${sb.issuer}/sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

/** The status of a request, or 'dropped' when the connection was destroyed. */
async function statusOf(url: string, init: RequestInit = {}): Promise<number | 'dropped'> {
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    expect(String((error as Error).cause ?? error)).toMatch(/socket|closed|reset|terminated/i);
    return 'dropped';
  }
}

describe('validation: nonsense is a 400 naming the field, and leaves the active set alone', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"faults": [', /not valid JSON/],
    ['no list', { faults: 'all' }, /list of faults/],
    ['unknown top-level field', { faults: [], extra: 1 }, /unknown field "extra"/],
    ['unknown fault field', { faults: [{ path: '/oauth/token', status: 500, chaos: true }] }, /faults\[0\]: unknown field "chaos"/],
    ['relative path', { faults: [{ path: 'oauth/token', status: 500 }] }, /path must be a string starting with "\/"/],
    ['star in the middle', { faults: [{ path: '/api/*/products', status: 500 }] }, /only at the end/],
    ['a control path', { faults: [{ path: '/sandbox/stats', drop: true }] }, /controls cannot be faulted/],
    ['unknown method', { faults: [{ path: '/oauth/token', method: 'BREW', status: 500 }] }, /method must be one of/],
    ['status out of range', { faults: [{ path: '/oauth/token', status: 200 }] }, /status must be an integer from 400 to 599/],
    ['rate above 1', { faults: [{ path: '/oauth/token', status: 500, rate: 1.5 }] }, /rate must be a number greater than 0/],
    ['rate zero', { faults: [{ path: '/oauth/token', status: 500, rate: 0 }] }, /rate must be/],
    ['negative count', { faults: [{ path: '/oauth/token', status: 500, count: -1 }] }, /count must be a positive integer/],
    ['fractional latency', { faults: [{ path: '/oauth/token', latency_ms: 1.5 }] }, /latency_ms must be an integer/],
    ['no effect', { faults: [{ path: '/oauth/token' }] }, /has no effect/],
    ['two effects', { faults: [{ path: '/oauth/token', status: 500, drop: true }] }, /choose one of status, drop or down/],
    ['retry_after with 500', { faults: [{ path: '/oauth/token', status: 500, retry_after: 1 }] }, /retry_after goes with status 429 or 503/],
    ['drop: false', { faults: [{ path: '/oauth/token', drop: false }] }, /drop must be true/],
    ['down with a count', { faults: [{ path: '/oauth/token', down: true, count: 2 }] }, /down drops every request/],
    ['a fault that is not an object', { faults: ['/oauth/token'] }, /faults\[0\]: must be an object/],
    ['too many', { faults: Array.from({ length: 101 }, () => ({ path: '/x', status: 500 })) }, /at most 100/],
  ];
  it.each(cases)('%s', async (_name, body, message) => {
    await setFaults(sb.issuer, [{ path: '/oauth/register', status: 503 }]);
    const answer = await postFaults(body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    figures.add('hostileInputs');
    // The previous set is still active, untouched.
    expect(await listFaults(sb.issuer)).toEqual([{ path: '/oauth/register', status: 503, matched: 0, fired: 0 }]);
  });
});

describe('matching and firing', () => {
  it('a share fires on an exact, reproducible set of requests (rate 0.5: every 2nd)', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/*', status: 500, rate: 0.5 }]);
    const seen: (number | 'dropped')[] = [];
    for (let i = 0; i < 6; i++) seen.push(await statusOf(`${sb.apiBase}/store`));
    // 401: handled normally (no token); 500: the injected fault.
    expect(seen).toEqual([401, 500, 401, 500, 401, 500]);
    expect(await listFaults(sb.issuer)).toEqual([{ path: '/api/v1/*', status: 500, rate: 0.5, matched: 6, fired: 3 }]);
    figures.add('faultsSurvived', 3);
  });

  it('a count fires that many times, then the endpoint works again', async () => {
    await setFaults(sb.issuer, [{ path: '/.well-known/oauth-authorization-server', status: 503, count: 2 }]);
    const url = `${sb.issuer}/.well-known/oauth-authorization-server`;
    expect([await statusOf(url), await statusOf(url), await statusOf(url)]).toEqual([503, 503, 200]);
    figures.add('faultsSurvived', 2);
  });

  it('the method and the exact path must match; a trailing * matches a prefix', async () => {
    await setFaults(sb.issuer, [
      { path: '/oauth/token', method: 'get', status: 500 },
      { path: '/api/v1/products/*', status: 502 },
    ]);
    // POST /oauth/token is handled (400: no body); the fault was for GET only.
    expect(await statusOf(`${sb.issuer}/oauth/token`, { method: 'POST' })).toBe(400);
    expect(await statusOf(`${sb.issuer}/oauth/token/x`, { method: 'GET' })).toBe(404);
    expect(await statusOf(`${sb.apiBase}/products/prd_1`)).toBe(502);
    expect(await statusOf(`${sb.apiBase}/products`)).toBe(401);
    const listed = await listFaults(sb.issuer);
    expect(listed.map((f) => [f.method, f.fired])).toEqual([
      ['GET', 0],
      [undefined, 1],
    ]);
  });

  it('drop destroys the connection; down drops everything; both count in /sandbox/stats', async () => {
    await setFaults(sb.issuer, [
      { path: '/oauth/token', drop: true, count: 1 },
      { path: '/oauth/register', down: true },
    ]);
    expect(await statusOf(`${sb.issuer}/oauth/token`, { method: 'POST' })).toBe('dropped');
    expect(await statusOf(`${sb.issuer}/oauth/token`, { method: 'POST' })).toBe(400);
    for (let i = 0; i < 3; i++) expect(await statusOf(`${sb.issuer}/oauth/register`, { method: 'POST' })).toBe('dropped');
    const stats = await sb.stats();
    expect(stats.requests['POST /oauth/token']).toBe(2);
    expect(stats.requests['POST /oauth/register']).toBe(3);
    expect(stats.registrations).toBe(0);
    figures.add('faultsSurvived', 4);
  });

  it('a 429 on API v1 carries Retry-After and the API error envelope; on the AS, an RFC 6749 error', async () => {
    await setFaults(sb.issuer, [
      { path: '/api/v1/*', retry_after: 2 },
      { path: '/oauth/token', status: 500 },
    ]);
    const api = await fetch(`${sb.apiBase}/orders`);
    expect(api.status).toBe(429);
    expect(api.headers.get('retry-after')).toBe('2');
    expect(await api.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String), details: { retry_after: 2 } } });
    const token = await fetch(`${sb.issuer}/oauth/token`, {
      method: 'POST',
      body: 'grant_type=refresh_token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.status).toBe(500);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(await token.json()).toEqual({ error: 'server_error', error_description: 'injected fault: status 500' });
    figures.add('faultsSurvived', 2);
  });

  it('latency delays the request, which is then handled normally', async () => {
    await setFaults(sb.issuer, [{ path: '/.well-known/*', latency_ms: 50 }]);
    const response = await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(sb.issuer);
    expect((await listFaults(sb.issuer))[0]).toMatchObject({ fired: 1 });
  });

  it('a client that gives up during the latency is never handled (the AS saw no complete request)', async () => {
    await setFaults(sb.issuer, [{ path: '/oauth/register', latency_ms: 5_000 }]);
    const gaveUp = fetch(`${sb.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }),
      signal: AbortSignal.timeout(100),
    });
    await expect(gaveUp).rejects.toThrow();
    await clearFaults(sb.issuer);
    // Nothing was registered, even once the latency would have run out.
    expect((await sb.stats()).registrations).toBe(0);
  });

  it('the /sandbox/* controls are never faulted, so a test can always clear its faults', async () => {
    await setFaults(sb.issuer, [{ path: '/*', down: true }]);
    expect(await statusOf(`${sb.issuer}/oauth/token`, { method: 'POST' })).toBe('dropped');
    expect((await sb.stats()).requests['POST /oauth/token']).toBe(1);
    expect(await clearFaults(sb.issuer)).toEqual([]);
    expect(await statusOf(`${sb.issuer}/.well-known/oauth-authorization-server`)).toBe(200);
  });

  it('an empty list clears, like DELETE', async () => {
    await setFaults(sb.issuer, [{ path: '/oauth/token', status: 500 }]);
    expect((await postFaults({ faults: [] })).body).toEqual({ faults: [] });
    expect(await statusOf(`${sb.issuer}/oauth/token`, { method: 'POST' })).toBe(400);
  });
});

describe('whatalo-mcp sandbox --faults FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-faults-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with the fault set active and says so on stderr', async () => {
    const file = path.join(dir, 'faults.json');
    await writeFile(file, JSON.stringify({ faults: [{ path: '/api/v1/*', status: 503, retry_after: 1, count: 1 }] }));
    const run = spawnCli(['sandbox', '--faults', file]);
    try {
      await run.waitForStderr(/injected faults from .* are active/);
      const issuer = (await run.waitForStderr(/listening on (http:\/\/\S+)/))[1]!;
      const first = await fetch(`${issuer}/api/v1/store`);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${issuer}/api/v1/store`)).status).toBe(401);
      figures.add('faultsSurvived');
    } finally {
      run.kill();
      await run.result;
    }
  });

  it.each([
    ['a file that does not exist', null, /--faults: cannot read .*: ENOENT/],
    ['a file that is not JSON', '{"faults": [', /--faults: .* is not valid JSON/],
    ['a fault with no effect', JSON.stringify({ faults: [{ path: '/oauth/token' }] }), /--faults: faults\[0\]: has no effect/],
  ])('refuses %s with exit 2 and a message naming the problem', async (_name, content, message) => {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    if (content !== null) await writeFile(file, content);
    const result = await spawnCli(['sandbox', '--faults', file]).result;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    figures.add('hostileInputs');
  });
});
