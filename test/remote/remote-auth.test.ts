/**
 * Remote mode against a small hostile MCP server (node:http, real sockets) whose AS is the
 * sandbox: a server whose metadata names another resource is refused before any sign-in; a
 * server that answers 403 insufficient_scope forever gets one sign-in, whose refused token pauses sign-ins, then
 * a clear tool error; a 503, and an answer past the size cap, are clear tool errors. Each time
 * the stdio session stays alive.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FETCH_BROWSER, type McpSession, startMcp, textOf } from '../helpers/mcp.js';
import { useTestSandbox } from '../helpers/sandbox.js';

type Mode = 'mismatch' | 'always-403' | 'step-up' | 'unavailable' | 'huge' | 'huge-event';

describe('serve --remote against a hostile server', () => {
  const sb = useTestSandbox({ autoApprove: 'first' });
  let mode: Mode = 'mismatch';
  let forbidden = 0;
  let deletes = 0;
  /** step-up: the first token it saw (refused for a scope it lacks); any later one is served. */
  let firstToken: string | undefined;
  let base = '';
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
      const resource = mode === 'mismatch' ? 'https://evil.example.com/mcp' : `${base}/mcp`;
      return json(200, { resource, authorization_servers: [sb.issuer], scopes_supported: ['read:store', 'read:orders'] });
    }
    if (url.pathname === '/mcp' && req.method === 'DELETE') {
      deletes++;
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"` });
    }
    if (url.pathname !== '/mcp' || req.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number; method?: string };
    const challenge = (extra = '') => `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="read:store"${extra}`;
    // Like many servers, this one lets a client initialize before it signs in.
    if (message.method === 'initialize' && mode !== 'mismatch') {
      return json(
        200,
        {
          jsonrpc: '2.0',
          id: message.id,
          result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1' } },
        },
        // A session id, so the relay ends the session with a DELETE on its way out (which this server refuses).
        { 'mcp-session-id': 'hostile-session' },
      );
    }
    if (message.method?.startsWith('notifications/') || message.method === 'ping') {
      if (message.id === undefined) return void res.writeHead(202).end();
      return json(200, { jsonrpc: '2.0', id: message.id, result: {} });
    }
    if (!req.headers.authorization) return json(401, { error: 'invalid_token' }, { 'www-authenticate': challenge() });
    if (mode === 'huge') {
      // A JSON answer past the relay's 4 MiB cap, sent in pieces as a stream would be.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"jsonrpc":"2.0","id":${message.id},"result":{"content":[{"type":"text","text":"`);
      const piece = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 9 && !res.destroyed; i++) res.write(piece);
      return void res.end('"}]}}');
    }
    if (mode === 'huge-event') {
      // An event stream whose one line never ends: it must not hold the host's request for ever.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: ');
      const piece = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 5 && !res.destroyed; i++) res.write(piece);
      return;
    }
    if (mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '7' });
      return void res.end('down \u001b[2J for maintenance');
    }
    if (mode === 'step-up') {
      firstToken ??= req.headers.authorization;
      if (req.headers.authorization !== firstToken) {
        return json(200, { jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: 'orders, after the step-up' }] } });
      }
      forbidden++;
      const wider = `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="read:store read:orders", error="insufficient_scope"`;
      return json(403, { error: 'insufficient_scope' }, { 'www-authenticate': wider });
    }
    forbidden++;
    return json(403, { error: 'insufficient_scope' }, { 'www-authenticate': challenge(', error="insufficient_scope"') });
  }

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    forbidden = 0;
  });

  function relay(): Promise<McpSession> {
    return startMcp({ args: ['--remote', `${base}/mcp`], env: { BROWSER: FETCH_BROWSER, WHATALO_LOG_LEVEL: 'debug' } });
  }

  /** One tool call in `as` mode: its failed result's text and the relay's stderr; the session must still answer a ping after it. */
  async function failedCall(as: Mode): Promise<{ text: string; stderr: string }> {
    mode = as;
    const session = await relay();
    try {
      const result = await session.call('get_store');
      expect(result.isError).toBe(true);
      await expect(session.client.ping()).resolves.toBeDefined();
      return { text: textOf(result), stderr: session.stderr() };
    } finally {
      await session.close();
    }
  }

  it('refuses metadata whose resource is not the server, before any sign-in', async () => {
    mode = 'mismatch';
    const before = (await sb.stats()).requests['GET /oauth/authorize'] ?? 0;
    const failed = await relay().then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failed).toContain('names the resource "https://evil.example.com/mcp", not this server; no sign-in was started');
    expect(failed).not.toContain('open this URL');
    expect((await sb.stats()).requests['GET /oauth/authorize'] ?? 0).toBe(before);
  });

  it('stops signing in once a fresh grant is refused with insufficient_scope for scopes it has, and the session goes on', async () => {
    const before = (await sb.stats()).grants.authorization_code;
    const { text } = await failedCall('always-403');
    expect(text).toContain(`The MCP server at ${base}/mcp refused the access token of a sign-in that had just succeeded`);
    expect((await sb.stats()).grants.authorization_code - before).toBe(1);
    expect(forbidden).toBe(1);
  });

  it('steps up when a call meets 403 insufficient_scope for a scope the grant lacks: one more sign-in, then the call is served', async () => {
    mode = 'step-up';
    firstToken = undefined;
    const before = (await sb.stats()).grants.authorization_code;
    const session = await relay();
    try {
      const result = await session.call('get_store');
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toBe('orders, after the step-up');
      expect(forbidden).toBe(1);
      expect((await sb.stats()).grants.authorization_code - before).toBe(2);
      // The second authorization asked for the union: what the grant had and what the server named.
      expect(session.stderr()).toMatch(/scope=(read%3Astore\+read%3Aorders|read%3Aorders\+read%3Astore)\b/);
    } finally {
      await session.close();
    }
  });

  it('a 503 is a clear tool error naming the retry delay, with none of the body, and the session goes on', async () => {
    const before = (await sb.stats()).grants;
    const { text, stderr } = await failedCall('unavailable');
    // One sign-in for the call; the refused DELETE at shutdown started neither a refresh nor a sign-in.
    expect(deletes).toBeGreaterThan(0);
    const after = (await sb.stats()).grants;
    expect(after.authorization_code - before.authorization_code).toBe(1);
    expect(after.refresh_token).toBe(before.refresh_token);
    expect(text).toContain(`The MCP server at ${base}/mcp is unavailable (HTTP 503; it asks to try again in 7 s).`);
    expect(text).not.toContain('maintenance');
    expect(stderr).not.toContain('\u001b');
  });

  it('drops an answer past 4 MiB with a tool error naming the cap, and the session goes on', async () => {
    expect((await failedCall('huge')).text).toContain(`sent an answer over ${4 * 1024 * 1024} bytes`);
  });

  it('ends an event stream whose line passes 4 MiB with a tool error for the request it was answering', async () => {
    expect((await failedCall('huge-event')).text).toContain(`sent an event over ${4 * 1024 * 1024} bytes; it was dropped`);
  });

  it('refuses the direct mode flags and a plain-http remote that is not loopback, before starting', async () => {
    const flags = await runCli(['serve', '--remote', `${base}/mcp`, '--read-only', '--scopes', 'read:store']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--read-only, --scopes apply to the direct mode, not to --remote');
    expect(flags.stdout).toBe('');
    const insecure = await runCli(['serve', '--remote', 'http://mcp.example.com/mcp']);
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toContain('--remote / WHATALO_REMOTE_URL must use https');
  });
});
