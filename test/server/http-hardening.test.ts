/**
 * `serve --http` under a hostile outside (issue 29 items 8–12), over real sockets: idle,
 * slow-header and slow-body connections are closed; close() drains and then ends every
 * connection; /readyz asks the AS at most once per few seconds and spends the address's
 * budget; a JSON-RPC batch costs the tenant one unit per tool call and is refused under
 * protocol versions without batching; a refusal before the body is read ends the connection;
 * two Host headers are a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../src/server/http/index.js';
import { suiteFigures } from '../helpers/figures.js';
import { SLOW_CLIENTS, endlessBody, rawRequest, slowClient } from '../helpers/hostile-http.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';

const figures = suiteFigures('http hardening');
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const fast = { headersMs: 500, requestMs: 1_000, keepAliveMs: 500, checkEveryMs: 100, graceMs: 1_000 };

describe('serve --http under a hostile outside', () => {
  let sb: TestSandbox;
  const running: RunningHttpServer[] = [];
  beforeAll(async () => {
    sb = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
  });
  afterAll(async () => {
    for (const server of running) await server.close();
    await sb?.close();
  });
  async function serverOn(options: Parameters<typeof startTestHttpServer>[1] = {}) {
    const started = await startTestHttpServer(sb, options);
    running.push(started.server);
    return { ...started, port: Number(started.publicUrl.port) };
  }

  it('closes a socket that sends nothing, one that drips its headers and one that drips its body, within their bounds', async () => {
    const { port, publicUrl } = await serverOn({ timeouts: fast });
    const provider = new TestProvider();
    await (await connect(publicUrl, provider)).close();
    // Signed in, so the server reads the body (without a token it answers 401 and closes at once).
    const bearer = [`Authorization: Bearer ${provider.saved!.access_token}`, 'Accept: application/json, text/event-stream'];
    const clients = SLOW_CLIENTS.map((kind) => ({ kind, client: slowClient(port, kind, bearer) }));
    const closedAfter = await Promise.all(clients.map(({ client }) => client.closed));
    for (const [i, ms] of closedAfter.entries()) {
      // headersMs (or requestMs for the body) plus at most one check interval and scheduling slack.
      expect({ kind: clients[i]!.kind, within: ms < 2_500 }).toEqual({ kind: clients[i]!.kind, within: true });
      figures.add('idleSocketsClosed');
    }
    expect(clients[2]!.client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('close() lets an in-flight call finish, then ends idle and slow connections after the grace period', async () => {
    const { server, publicUrl, port } = await serverOn({ timeouts: { ...fast, headersMs: 60_000, requestMs: 120_000, graceMs: 800 } });
    const provider = new TestProvider();
    await (await connect(publicUrl, provider)).close();
    const { setFaults, clearFaults } = await import('../helpers/faults.js');
    await setFaults(sb.issuer, [{ path: '/api/v1/store', latency_ms: 300 }]);
    try {
      const bearer = [`Authorization: Bearer ${provider.saved!.access_token}`];
      const slow = SLOW_CLIENTS.map((kind) => slowClient(port, kind, bearer));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const call = fetch(publicUrl, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${provider.saved!.access_token}`, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_store', arguments: {} } }),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      const closing = server.close();
      const answer = await call;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('connection')).toBe('close');
      expect(((await answer.json()) as { result: { isError?: boolean } }).result.isError).toBeFalsy();
      await closing;
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(700);
      expect(took).toBeLessThan(2_000);
      await Promise.all(slow.map((c) => c.closed));
      figures.add('idleSocketsClosed', slow.length);
    } finally {
      await clearFaults(sb.issuer);
    }
  });

  it('/readyz asks the AS once however often it is asked, and spends the address budget', async () => {
    const { publicUrl, server } = await serverOn({ rateLimits: { perIp: 30, perTenant: 0, windowSeconds: 60 } });
    const discoveries = async () =>
      Object.entries((await sb.stats()).requests)
        .filter(([key]) => key.includes('oauth-authorization-server'))
        .reduce((sum, [, n]) => sum + n, 0);
    const before = await discoveries();
    const answers = await Promise.all(Array.from({ length: 25 }, () => fetch(new URL('/readyz', publicUrl))));
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    expect((await discoveries()) - before).toBeLessThanOrEqual(1);
    expect(server.counts().readinessChecks).toBe(1);
    const more = await Promise.all(Array.from({ length: 10 }, () => fetch(new URL('/readyz', publicUrl))));
    expect(more.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(5);
  });

  it('a batch costs the tenant one unit per tool call, and a batch is refused where the protocol version has none', async () => {
    const { publicUrl } = await serverOn({ rateLimits: { perIp: 0, perTenant: 4, windowSeconds: 60 } });
    const provider = new TestProvider();
    await (await connect(publicUrl, provider)).close();
    const auth = { ...headers, authorization: `Bearer ${provider.saved!.access_token}` };
    const calls = (n: number, from = 0) =>
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: from + i, method: 'tools/call', params: { name: 'get_store', arguments: {} } })),
      );
    // connect() spent 2 of 4 (initialize, notifications/initialized); tools/list spent none.
    const unbatched = await fetch(publicUrl, { method: 'POST', headers: { ...auth, 'mcp-protocol-version': '2025-11-25' }, body: calls(2) });
    expect(unbatched.status).toBe(400);
    expect(((await unbatched.json()) as { error: { message: string } }).error.message).toContain('batching');
    // Not yet at the limit before this request; 5 calls take it past.
    const batch = await fetch(publicUrl, { method: 'POST', headers: { ...auth, 'mcp-protocol-version': '2025-03-26' }, body: calls(5, 10) });
    expect(batch.status).toBe(429);
    figures.add('batchCallsCharged', 5);
  });

  it('a 401, 403 or 429 before the body is read ends the connection, however long the body would go on', async () => {
    const { port } = await serverOn({ rateLimits: { perIp: 2, perTenant: 0, windowSeconds: 60 } });
    const head = (host: string) => `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json`;
    // In this order: a foreign Host is refused before any budget is spent; two 401s spend the address's 2; then 429.
    for (const [host, status] of [
      ['evil.example', 403],
      [`127.0.0.1:${port}`, 401],
      [`127.0.0.1:${port}`, 401],
      [`127.0.0.1:${port}`, 429],
    ] as const) {
      const client = endlessBody(port, head(host));
      const closedAfter = await client.closed;
      expect(client.received().slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
      expect(closedAfter).toBeLessThan(3_000);
      // What the socket took before the server closed: the kernel buffers, not an endless stream.
      expect(client.written()).toBeLessThan(64 * 1024 * 1024);
    }
  });

  it('two Host headers are a 400, whichever comes first', async () => {
    const { port } = await serverOn();
    const host = `127.0.0.1:${port}`;
    for (const [first, second] of [
      [host, 'evil.example'],
      ['evil.example', host],
      [host, host],
    ]) {
      const status = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: ${first}\r\nHost: ${second}\r\nConnection: close\r\n\r\n`);
      expect(status).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200/);
  });
});
