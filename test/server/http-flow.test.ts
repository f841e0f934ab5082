/**
 * The HTTP resource server end to end, driven by what no one here wrote: the MCP SDK's own
 * Client, StreamableHTTPClientTransport and OAuth client (discovery from the 401, RFC 9728
 * metadata, DCR, PKCE, refresh, step-up on 403) against the sandbox AS over real sockets.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../src/server/http/index.js';
import { clearFaults, setFaults } from '../helpers/faults.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

/**
 * Calls a tool; on 403 insufficient_scope the SDK's transport (1.32) first refreshes, which
 * cannot widen a grant, then gives up. A host then re-authorizes with the challenge's scope
 * through the SDK's own auth(); the call is made once more with the new token.
 */
async function callWithStepUp(url: URL, provider: TestProvider, client: Client, name: string, args: Record<string, unknown>, scope: string) {
  try {
    return { client, result: await client.callTool({ name, arguments: args }) };
  } catch (error) {
    if (!(error instanceof StreamableHTTPError) || error.code !== 403) throw error;
    provider.saved = undefined;
    expect(await auth(provider, { serverUrl: url, scope })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: url, scope, authorizationCode: provider.code! })).toBe('AUTHORIZED');
    const again = await connect(url, provider);
    return { client: again, result: await again.callTool({ name, arguments: args }) };
  }
}

describe('serve --http with the SDK client', () => {
  let sb: TestSandbox;
  let server: RunningHttpServer;
  let publicUrl: URL;
  const logs: string[] = [];

  beforeAll(async () => {
    sb = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
    ({ server, publicUrl } = await startTestHttpServer(sb, { log: (line) => logs.push(line) }));
  });
  afterAll(async () => {
    await server?.close();
    await sb?.close();
  });

  it('answers 401 with resource_metadata and every enabled scope, and serves RFC 9728 metadata (A3 names only) at both places', async () => {
    const answer = await fetch(publicUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(401);
    const challenge = answer.headers.get('www-authenticate')!;
    expect(challenge).toContain(`resource_metadata="http://127.0.0.1:${publicUrl.port}/.well-known/oauth-protected-resource/mcp"`);
    // A host that registers with this scope (mcp-remote does) can later step up to any tool: write scopes included.
    const scope = /scope="([^"]*)"/.exec(challenge)![1]!.split(' ');
    expect(scope).toEqual(expect.arrayContaining(['read:store', 'read:products', 'write:products', 'write:inventory']));
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const meta = (await (await fetch(new URL(path, publicUrl))).json()) as Record<string, unknown>;
      expect(meta).toMatchObject({ resource: publicUrl.href, authorization_servers: [sb.issuer], bearer_methods_supported: ['header'] });
      expect(meta.scopes_supported).toEqual(scope);
      expect((meta.scopes_supported as string[]).filter((s) => s.includes('categor'))).toEqual([]);
    }
  });

  it('the SDK client discovers, registers, signs in with PKCE, lists tools and calls them on its own store, through an exchanged token', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    expect(provider.authorizations[0]!.searchParams.get('resource')).toBe(publicUrl.href);
    expect(provider.authorizations[0]!.searchParams.get('code_challenge_method')).toBe('S256');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('get_store');
    const result = await client.callTool({ name: 'get_store', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain(`"${sb.stores[0]!.id}"`);
    expect(JSON.stringify(result.structuredContent)).not.toContain(`"${sb.stores[1]!.id}"`);
    // The sandbox's API v1 refuses a token whose resource is this server: the call worked, so it was exchanged.
    expect((await sb.stats()).exchanges).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it('a write after a read-only grant gets 403 insufficient_scope naming every scope; the SDK steps up and the write succeeds', async () => {
    const provider = new TestProvider();
    // Registered for what the metadata lists (Whatalo holds a client to its registered scope),
    // signed in with the read scopes only: the step-up stays inside the registration.
    const meta = (await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', publicUrl))).json()) as { scopes_supported: string[] };
    const registered = await fetch(`${sb.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...provider.clientMetadata, scope: meta.scopes_supported.join(' ') }),
    });
    provider.info = (await registered.json()) as OAuthClientInformationMixed;
    const reads = meta.scopes_supported.filter((s) => s.startsWith('read:')).join(' ');
    expect(await auth(provider, { serverUrl: publicUrl, scope: reads })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: publicUrl, scope: reads, authorizationCode: provider.code! })).toBe('AUTHORIZED');
    let client = await connect(publicUrl, provider);
    const raw = await fetch(publicUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.saved!.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_category', arguments: { name: 'Raw' } } }),
    });
    expect(raw.status).toBe(403);
    const challenge = raw.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    // Everything the token had and what the call needs, so re-authorizing with it loses nothing.
    const asked = /scope="([^"]*)"/.exec(challenge)![1]!;
    const scope = asked.split(' ');
    expect(scope).toEqual(expect.arrayContaining(['read:store', 'read:orders', 'write:products']));
    const before = provider.authorizations.length;
    let result;
    ({ client, result } = await callWithStepUp(publicUrl, provider, client, 'create_category', { name: `Step-up ${Date.now()}` }, asked));
    expect(result.isError).toBeFalsy();
    expect(provider.authorizations.length).toBe(before + 1);
    expect(provider.authorizations.at(-1)!.searchParams.get('scope')).toContain('write:products');
    const read = await client.callTool({ name: 'get_store', arguments: {} });
    expect(read.isError).toBeFalsy();
    await client.close();
  });

  it('a token in the query string, a foreign Origin, a foreign Host, GET and DELETE, an oversized body are refused', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    await client.close();
    const auth = { authorization: `Bearer ${provider.saved!.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect((await fetch(`${publicUrl.href}?access_token=${provider.saved!.access_token}`, { method: 'POST', headers: auth, body: init })).status).toBe(400);
    expect((await fetch(publicUrl, { method: 'POST', headers: { ...auth, origin: 'https://evil.example' }, body: init })).status).toBe(403);
    const get = await fetch(publicUrl, { headers: auth });
    expect({ status: get.status, allow: get.headers.get('allow') }).toEqual({ status: 405, allow: 'POST, OPTIONS' });
    expect((await fetch(publicUrl, { method: 'DELETE', headers: auth })).status).toBe(405);
    expect((await fetch(publicUrl, { method: 'POST', headers: auth, body: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect((await fetch(publicUrl, { method: 'POST', headers: auth, body: '{not json' })).status).toBe(400);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await fetch(publicUrl, { method: 'POST', headers: { ...auth, 'mcp-protocol-version': '1999-01-01' }, body: list })).status).toBe(400);
    expect((await fetch(publicUrl, { method: 'POST', headers: { ...auth, 'mcp-protocol-version': '2025-11-25' }, body: list })).status).toBe(200);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: publicUrl.port, path: '/mcp', method: 'POST', headers: { ...auth, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(init);
    });
    expect(status).toBe(403);
    const preflight = await fetch(publicUrl, { method: 'OPTIONS', headers: { origin: publicUrl.origin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    const denied = await fetch(publicUrl, { method: 'POST', headers: { origin: publicUrl.origin, 'content-type': 'application/json' }, body: init });
    expect(denied.headers.get('access-control-expose-headers')).toContain('www-authenticate');
  });

  it('frames JSON-RPC as Streamable HTTP does: a batch answered in request order, notifications 202, Accept, one initialize, bad messages', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    await client.close();
    const headers = {
      authorization: `Bearer ${provider.saved!.access_token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    };
    const post = async (body: unknown, extra: Record<string, string> = {}) => {
      const answer = await fetch(publicUrl, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
      const text = await answer.text();
      return { status: answer.status, type: answer.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
    };

    const messages = [
      { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'get_store', arguments: {} } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
      { jsonrpc: '2.0', id: 'c', method: 'no/such/method' },
    ];
    // Batches exist in 2025-03-26 only (2025-06-18 removed them).
    const unbatched = await post(messages);
    expect({ status: unbatched.status, code: unbatched.body.error.code }).toEqual({ status: 400, code: -32600 });
    const batch = await post(messages, { 'mcp-protocol-version': '2025-03-26' });
    expect(batch.status).toBe(200);
    expect(batch.type).toBe('application/json');
    expect(batch.body.map((m: { id: string }) => m.id)).toEqual(['b', 'a', 'c']);
    expect(batch.body[0].result.structuredContent.store.id).toBe(sb.stores[0]!.id);
    expect(batch.body[1].result).toEqual({});
    expect(batch.body[2].error.code).toBe(-32601);

    expect(await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).toEqual({ status: 202, type: null, body: undefined });
    const wrongAccept = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { accept: 'application/json' });
    expect({ status: wrongAccept.status, code: wrongAccept.body.error.code }).toEqual({ status: 406, code: -32000 });
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    const twoInits = await post([init, { ...init, id: 2 }]);
    expect({ status: twoInits.status, code: twoInits.body.error.code }).toEqual({ status: 400, code: -32600 });
    const one = await post(init);
    expect(one.body.result.serverInfo.name).toBe('whatalo-mcp');
    const notJsonRpc = await post({ id: 1, method: 'ping' });
    expect({ status: notJsonRpc.status, code: notJsonRpc.body.error.code }).toEqual({ status: 400, code: -32700 });
    const tooMany = await post(
      Array.from({ length: 101 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'ping' })),
      { 'mcp-protocol-version': '2025-03-26' },
    );
    expect({ status: tooMany.status, code: tooMany.body.error.code }).toEqual({ status: 400, code: -32600 });
  });

  it('an unknown token is 401 invalid_token; the AS unreachable is 503 with Retry-After, never 401', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const before = server.counts().introspections;
    const unknown = await fetch(publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${'A'.repeat(43)}` }, body });
    expect(unknown.status).toBe(401);
    // active:false is never cached: the same token is asked about again.
    expect((await fetch(publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${'A'.repeat(43)}` }, body })).status).toBe(401);
    expect(server.counts().introspections - before).toBe(2);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(unknown.headers.get('www-authenticate')).toContain('resource_metadata=');
    await setFaults(sb.issuer, [{ path: '/oauth/introspect', status: 503 }]);
    try {
      const down = await fetch(publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${'B'.repeat(43)}` }, body });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
      await setFaults(sb.issuer, [{ path: '/oauth/introspect', down: true }]);
      expect((await fetch(publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${'C'.repeat(43)}` }, body })).status).toBe(503);
    } finally {
      await clearFaults(sb.issuer);
    }
  });

  it('a revoked token is refused once its cache entry ends, and never from a negative cache; one introspection per token per TTL', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    const before = server.counts().introspections;
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'get_store', arguments: {} });
    expect(server.counts().introspections - before).toBe(0);
    await client.close();
    await sb.disconnect(provider.info!.client_id, sb.stores[0]!.id);
    // A 401 from API v1 for the dead exchanged token makes the server forget both at once.
    const headers = {
      authorization: `Bearer ${provider.saved!.access_token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    };
    const call = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_store', arguments: {} } });
    const first = await fetch(publicUrl, { method: 'POST', headers, body: call });
    expect(first.status === 401 || ((await first.json()) as { result?: { isError?: boolean } }).result?.isError === true).toBe(true);
    const second = await fetch(publicUrl, { method: 'POST', headers, body: call });
    expect(second.status).toBe(401);
    expect(second.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('logs are JSON lines with request id, status and latency, and hold no token', async () => {
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.some((l) => typeof l.store === 'string' && typeof l.tool === 'string')).toBe(true);
    for (const r of requests) expect(r).toHaveProperty('request_id');
    const report = await sweepForTokens(sb, { texts: { log: logs.join('\n') } });
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.leaks).toEqual([]);
  });
});
