/**
 * Remote mode's sign-in against hostile remote MCP servers and authorization servers, all
 * node:http on 127.0.0.1, through the real `serve --remote` and `logout --remote`:
 *
 * - a server whose metadata moves to another AS: the grant of the first AS is never shown to
 *   the second (no refresh token, no client secret, no revocation there; RFC 9700 §4.4), a new
 *   registration and sign-in happen there, and the first grant serves again once the server
 *   names its AS again;
 * - a server that refuses every token: one browser tab for six requests, each failing at once
 *   with one clear message;
 * - a resource identifier with user information: refused before anything reaches the AS.
 */
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { FETCH_BROWSER, startMcp, textOf } from '../helpers/mcp.js';
import { type LoopbackServer, type RecordingAs, type RpcMessage, initializeResult, loopbackServer, recordingAs, sendJson } from './kit.js';

const figures = suiteFigures('remote grants');
const FILE_STORE = { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'a passphrase for tests' };

describe('remote grants against hostile servers', () => {
  let first: RecordingAs;
  let second: RecordingAs;
  let stingy: RecordingAs;
  /** The AS the server's metadata names now. */
  let current: RecordingAs;
  /** Whether the server accepts a token of the current AS, or none at all. */
  let accepts: 'current' | 'none' = 'current';
  /** The resource the metadata of the server at `base` names; its own URL unless a test changes it. */
  let resource: (base: string) => string = (base) => `${base}/mcp`;
  let server: LoopbackServer;
  let dir: string;

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const base = `http://${req.headers.host}`;
    const metadata = `${base}/.well-known/oauth-protected-resource/mcp`;
    if (req.url === '/.well-known/oauth-protected-resource/mcp') {
      return sendJson(res, 200, { resource: resource(base), authorization_servers: [current.issuer] });
    }
    if (req.method !== 'POST') return void res.writeHead(req.method === 'DELETE' ? 200 : 405).end();
    const message = JSON.parse(body) as RpcMessage;
    if (message.method === 'initialize') return sendJson(res, 200, initializeResult(message.id));
    if (message.id === undefined) return void res.writeHead(202).end();
    // Like many servers, this one answers a ping without looking at the token.
    if (message.method === 'ping') return sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (accepts === 'none' || !token || !current.accessTokens.has(token)) {
      return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${metadata}"` });
    }
    sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: 'served' }] } });
  }

  beforeAll(async () => {
    [first, second, stingy] = await Promise.all([recordingAs('first'), recordingAs('second'), recordingAs('stingy', { refreshTokens: false })]);
    current = first;
    server = await loopbackServer(handle);
    dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-grants-'));
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close(), stingy.close(), server.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** One tool call through a fresh relay: its result's text and whether it failed. */
  async function callOnce(
    env: Record<string, string> = {},
    configDir = dir,
    url = `${server.base}/mcp`,
  ): Promise<{ text: string; isError: boolean; stderr: string }> {
    const session = await startMcp({ args: ['--remote', url], configDir, env: { ...FILE_STORE, BROWSER: FETCH_BROWSER, ...env } });
    try {
      const result = await session.call('anything');
      return { text: textOf(result), isError: result.isError === true, stderr: session.stderr() };
    } finally {
      await session.close();
    }
  }

  /** The paths of the requests `to` received that carry a secret or a client id `from` issued. */
  function leakedTo(to: RecordingAs, from: RecordingAs): string[] {
    const issued = [...from.secrets, ...from.clientIds];
    return to.requests.filter((r) => issued.some((value) => r.text.includes(value))).map((r) => r.path);
  }

  it('never shows the grant of one AS to another when the server moves to it: a new sign-in there, and logout revokes only there', async () => {
    current = first;
    expect(await callOnce()).toMatchObject({ text: 'served', isError: false });
    expect(first.clientIds).toHaveLength(1);
    expect(first.secrets.length).toBeGreaterThan(0);

    // The server's metadata now names another AS: it must get none of the first AS's credentials.
    current = second;
    const authorizeBefore = second.requests.filter((r) => r.path === '/authorize').length;
    expect(await callOnce()).toMatchObject({ text: 'served', isError: false });
    expect(leakedTo(second, first)).toEqual([]);
    expect(second.requests.filter((r) => r.path === '/register')).toHaveLength(1);
    expect(second.requests.filter((r) => r.path === '/authorize').length).toBe(authorizeBefore + 1);
    figures.add('remoteCredentialsPerIssuer');

    // status names the AS the server names now, and the grant from it.
    const firstSeen = first.requests.length;
    const env = { ...FILE_STORE, WHATALO_CONFIG_DIR: dir, HOME: dir };
    const status = await runCli(['status', '--json', '--remote', `${server.base}/mcp`], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: true, resource: `${server.base}/mcp`, issuer: `${second.issuer}/` });

    // Logout revokes the grant of the AS the server names now, at that AS, with its own client.
    const out = await runCli(['logout', '--remote', `${server.base}/mcp`], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Signed out: the tokens were revoked');
    expect(second.requests.filter((r) => r.path === '/revoke').length).toBeGreaterThan(0);
    expect(leakedTo(second, first)).toEqual([]);
    expect(first.requests.length).toBe(firstSeen);
    figures.add('remoteCredentialsPerIssuer');

    // The first AS's grant was kept under its own issuer: once the server names it again, it serves without a sign-in.
    current = first;
    const firstAuthorize = first.requests.filter((r) => r.path === '/authorize').length;
    expect(await callOnce()).toMatchObject({ text: 'served', isError: false });
    expect(first.requests.filter((r) => r.path === '/authorize').length).toBe(firstAuthorize);
    expect(leakedTo(first, second)).toEqual([]);
    figures.add('remoteCredentialsPerIssuer');
  });

  it('opens one browser tab, not one per request, for a server that refuses every token; each request fails at once, clearly', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-grants-'));
    const browserLog = path.join(own, 'browser.log');
    current = stingy;
    accepts = 'none';
    const session = await startMcp({
      args: ['--remote', `${server.base}/mcp`],
      configDir: own,
      env: { BROWSER: FETCH_BROWSER, WHATALO_TEST_BROWSER_LOG: browserLog },
    });
    try {
      const texts: string[] = [];
      for (let i = 0; i < 6; i++) {
        const result = await session.call('anything');
        expect(result.isError).toBe(true);
        texts.push(textOf(result));
        // A ping the server serves whatever the token says proves nothing about the token.
        await session.client.ping();
      }
      for (const text of texts) {
        expect(text).toContain(`The MCP server at ${server.base}/mcp refused the access token of a sign-in that had just succeeded`);
        expect(text).toContain('no new sign-in is started for it for 5 more minutes');
      }
      const launches = (await readFile(browserLog, 'utf8')).split('\n').filter((line) => line.includes('"launched"'));
      expect(launches).toHaveLength(1);
      expect(stingy.requests.filter((r) => r.path === '/authorize')).toHaveLength(1);
      expect(session.stderr().match(/open this URL/g)).toHaveLength(1);
    } finally {
      accepts = 'current';
      await session.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('refuses a resource identifier with user information before anything reaches the AS', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-grants-'));
    current = second;
    const seen = second.requests.length;
    resource = (base) => `http://evil@${new URL(base).host}/mcp`;
    try {
      const { text, isError } = await callOnce({}, own);
      expect(isError).toBe(true);
      expect(text).toContain(`names the resource "http://evil@${new URL(server.base).host}/mcp", not this server; no sign-in was started`);
      expect(second.requests.slice(seen).map((r) => r.path)).toEqual([]);
      figures.add('hostileInputs');
    } finally {
      resource = (base) => `${base}/mcp`;
      await rm(own, { recursive: true, force: true });
    }
  });

  it('logout finds the grant of a server that is gone by its issuer, removes it and says it could not revoke it', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-grants-'));
    const gone = await loopbackServer(handle);
    const url = `${gone.base}/mcp`;
    current = second;
    try {
      expect(await callOnce({}, own, url)).toMatchObject({ text: 'served', isError: false });
      await gone.close();
      const revokes = second.requests.filter((r) => r.path === '/revoke').length;
      const out = await runCli(['logout', '--remote', url], { env: { ...FILE_STORE, WHATALO_CONFIG_DIR: own, HOME: own } });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Signed out here: the tokens were removed');
      expect(out.stdout).toContain(`The MCP server at ${url} cannot be reached`);
      expect(second.requests.filter((r) => r.path === '/revoke').length).toBe(revokes);
      // Nothing is left under that server and its issuer.
      const clients = await readFile(path.join(own, 'clients.json'), 'utf8').catch(() => '{"clients":{}}');
      expect(Object.keys((JSON.parse(clients) as { clients: object }).clients)).toEqual([]);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});
