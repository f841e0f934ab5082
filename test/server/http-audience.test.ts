/**
 * The resource server's own audience check (CONTRACT R3) and its token exchange (R6, A2),
 * against the strict sandbox: Whatalo lets any confidential client introspect any token and
 * says `active:true` with the token's `aud`, so only this server's comparison keeps a token
 * issued for another server out. A relay AS written here (node:http, in front of the
 * sandbox) shows what the server sends at the exchange, and plays an AS whose metadata omits
 * the exchange and refuses it, or whose introspection names another issuer.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../src/server/http/index.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const getStore = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_store', arguments: {} } });

interface RelayAs {
  issuer: string;
  /** The form of every token-exchange request that reached it. */
  exchanges: URLSearchParams[];
  /** The JSON body of every registration. */
  registrations: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * An AS at its own origin that passes everything on to the sandbox and names itself where the
 * sandbox names itself. `refuseExchange`: its metadata omits the exchange grant (as Whatalo's
 * API-reference copy does) and the grant answers 400 unsupported_grant_type. `foreignIss`:
 * introspection answers keep the sandbox's `iss`.
 */
async function startRelayAs(target: string, mode: { refuseExchange?: boolean; foreignIss?: boolean } = {}): Promise<RelayAs> {
  const exchanges: URLSearchParams[] = [];
  const registrations: Record<string, unknown>[] = [];
  let issuer = '';
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', target);
    if (req.method === 'POST' && url.pathname === '/oauth/register') registrations.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') === EXCHANGE) {
        exchanges.push(form);
        if (mode.refuseExchange) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'unsupported_grant_type', error_description: 'grant_type is not supported' }));
          return;
        }
      }
    }
    const forwarded: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) if (req.headers[name]) forwarded[name] = String(req.headers[name]);
    const answer = await fetch(url, { method: req.method, headers: forwarded, body: body.length > 0 ? body : undefined, redirect: 'manual' });
    let text = await answer.text();
    const introspection = url.pathname === '/oauth/introspect';
    if (!(introspection && mode.foreignIss)) text = text.replaceAll(target, issuer);
    if (url.pathname.startsWith('/.well-known/oauth-authorization-server') && mode.refuseExchange) {
      const meta = JSON.parse(text) as { grant_types_supported: string[] };
      meta.grant_types_supported = meta.grant_types_supported.filter((g) => g !== EXCHANGE);
      text = JSON.stringify(meta);
    }
    const out: Record<string, string> = {};
    for (const name of ['content-type', 'location', 'cache-control', 'retry-after']) {
      const value = answer.headers.get(name);
      if (value) out[name] = value;
    }
    res.writeHead(answer.status, out);
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    exchanges,
    registrations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('serve --http checks the audience itself', () => {
  let sb: TestSandbox;
  const running: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    sb = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
  });
  afterAll(async () => {
    for (const r of running.reverse()) await r.close();
    await sb?.close();
  });
  async function serverOn(options: Parameters<typeof startTestHttpServer>[1] = {}): Promise<{ server: RunningHttpServer; publicUrl: URL }> {
    const started = await startTestHttpServer(sb, options);
    running.push(started.server);
    return started;
  }

  it('a token the AS calls active but whose aud is another server is 401 invalid_token; at its own server it works', async () => {
    const a = await serverOn();
    const b = await serverOn();
    const provider = new TestProvider();
    const client = await connect(a.publicUrl, provider);
    expect((await client.callTool({ name: 'get_store', arguments: {} })).isError).toBeFalsy();
    await client.close();
    const token = provider.saved!.access_token;

    const before = b.server.counts().introspections;
    // tools/list needs no API token: what answers is the audience check alone.
    const foreign = await fetch(b.publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: listTools });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // B did ask the AS (which said active:true, with aud = A): the refusal is B's own comparison.
    expect(b.server.counts().introspections - before).toBe(1);
    // Never cached: asked again, refused again.
    expect((await fetch(b.publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: listTools })).status).toBe(401);
    expect(b.server.counts().introspections - before).toBe(2);
  });

  it('registers its own confidential client as Whatalo requires; exchanges with resource = the API origin and the called tool’s scope', async () => {
    const relay = await startRelayAs(sb.issuer);
    running.push(relay);
    const { publicUrl } = await serverOn({ issuer: new URL(relay.issuer) });
    // CONTRACT R2, A5: client_name and redirect_uris required (a placeholder under the public URL: it never redirects).
    expect(relay.registrations).toHaveLength(1);
    const meta = await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', publicUrl))).json();
    expect(relay.registrations[0]).toEqual({
      client_name: 'Whatalo MCP resource server',
      scope: (meta as { scopes_supported: string[] }).scopes_supported.join(' '),
      redirect_uris: [`${publicUrl.href}/oauth/no-redirect`],
      grant_types: ['authorization_code', EXCHANGE],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const client = await connect(publicUrl, new TestProvider());
    expect((await client.callTool({ name: 'get_store', arguments: {} })).isError).toBeFalsy();
    await client.close();
    expect(relay.exchanges).toHaveLength(1);
    const form = relay.exchanges[0]!;
    expect({ resource: form.get('resource'), scope: form.get('scope') }).toEqual({ resource: new URL(sb.apiBase).origin, scope: 'read:store' });
  });

  it('an introspection answer from another issuer is refused (iss), though active and for this server', async () => {
    const relay = await startRelayAs(sb.issuer, { foreignIss: true });
    running.push(relay);
    const { publicUrl } = await serverOn({ issuer: new URL(relay.issuer) });
    const provider = new TestProvider();
    await expect(connect(publicUrl, provider)).rejects.toThrow();
    const answer = await fetch(publicUrl, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${provider.saved!.access_token}` },
      body: listTools,
    });
    expect(answer.status).toBe(401);
  });

  it('starts although the metadata omits the exchange; a refused exchange is 503 naming the grant and client, never 401', async () => {
    const relay = await startRelayAs(sb.issuer, { refuseExchange: true });
    running.push(relay);
    const logs: string[] = [];
    const { publicUrl } = await serverOn({ issuer: new URL(relay.issuer), log: (line) => logs.push(line) });
    expect(logs.join('\n')).toContain('does not list token exchange');
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    // Listing needs no API token: the session is usable up to the first call.
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    const answer = await fetch(publicUrl, { method: 'POST', headers: { ...headers, authorization: `Bearer ${provider.saved!.access_token}` }, body: getStore });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await answer.json()) as { error: string; error_description: string };
    expect(body.error).toBe('temporarily_unavailable');
    expect(body.error_description).toContain('unsupported_grant_type');
    expect(body.error_description).toContain(EXCHANGE);
    expect(body.error_description).toContain(new URL(sb.apiBase).origin);
    expect(relay.exchanges.length).toBeGreaterThanOrEqual(1);
  });
});
