import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_FOREIGN_CALLBACKS, callbackPages, startCallbackServer, type CallbackServer } from '../../src/auth/loopback.js';
import { ENGLISH } from '../../src/i18n/index.js';

const PAGES = callbackPages(ENGLISH);
const SIGNED_IN_PAGE = PAGES.signedIn({ app: 'Whatalo MCP (desktop)', storeId: 'str_1', storeName: 'La Milpa' });
import { suiteFigures } from '../helpers/figures.js';

const figures = suiteFigures('auth/loopback');

const servers: CallbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The state every test's flow is waiting for. */
const STATE = 'xyz';

async function start(options: { respondGraceMs?: number } = {}): Promise<CallbackServer> {
  const server = await startCallbackServer({ state: STATE, ...options });
  servers.push(server);
  return server;
}

/** A raw request (fetch cannot send HEAD-with-body quirks or keep a socket as a browser does). */
function request(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

function portOf(server: CallbackServer): number {
  return Number(new URL(server.redirectUri).port);
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('loopback callback server', () => {
  it('listens on 127.0.0.1 with an ephemeral port and a /callback path', async () => {
    const server = await start();
    expect(server.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(portOf(server)).toBeGreaterThan(0);
    const other = await start();
    expect(other.redirectUri).not.toBe(server.redirectUri);
  });

  it('delivers the first GET /callback and answers the waiting browser with the page given to respond()', async () => {
    const server = await start();
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const browser = request(`${server.redirectUri}?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A9`);
    const callback = await waiting;
    expect(callback.url.href).toBe(`${server.redirectUri}?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A9`);
    expect(callback.url.searchParams.get('iss')).toBe('http://127.0.0.1:9');
    callback.respond(SIGNED_IN_PAGE);
    const page = await browser;
    expect(page.status).toBe(200);
    expect(page.body).toContain('Whatalo MCP (desktop) can now work with your store La Milpa (str_1). You can close this tab and return to your app.');
    expect(page.body).toContain('<html lang="en">');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // respond() closes the server.
    await server.close();
    expect(await connects(portOf(server))).toBe(false);
  });

  it('keeps a callback that arrived before anyone waited', async () => {
    const server = await start();
    const browser = request(`${server.redirectUri}?state=xyz&code=early`);
    await new Promise((r) => setTimeout(r, 50));
    const callback = await server.waitForCallback({ timeoutMs: 30_000 });
    expect(callback.url.searchParams.get('code')).toBe('early');
    callback.respond(SIGNED_IN_PAGE);
    expect((await browser).status).toBe(200);
  });

  it('answers stray requests with 404 and keeps waiting for the real callback', async () => {
    const server = await start();
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const base = server.redirectUri.replace('/callback', '');
    expect((await request(`${base}/favicon.ico`)).status).toBe(404);
    expect((await request(`${base}/`)).status).toBe(404);
    expect((await request(`${base}/callback/extra?code=x`)).status).toBe(404);
    expect((await request(`${base}/callbackx?code=x`)).status).toBe(404);
    expect((await request(`${server.redirectUri}?state=xyz&code=x`, 'POST')).status).toBe(404);
    expect((await request(`${server.redirectUri}?state=xyz&code=x`, 'HEAD')).status).toBe(404);
    // A page that reached the port by DNS rebinding carries its own Host.
    expect((await request(`${server.redirectUri}?state=xyz&code=forged`, 'GET', { Host: `evil.example:${portOf(server)}` })).status).toBe(404);
    expect((await request(`${server.redirectUri}?state=xyz&code=forged`, 'GET', { Host: `localhost:${portOf(server)}` })).status).toBe(404);
    const browser = request(`${server.redirectUri}?code=real&state=xyz`);
    const callback = await waiting;
    expect(callback.url.searchParams.get('code')).toBe('real');
    callback.respond(SIGNED_IN_PAGE);
    expect((await browser).status).toBe(200);
  });

  it("answers a callback without this flow's state with 400, ignores it, and still takes the real one", async () => {
    const server = await start();
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    let settled = false;
    void waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    // A bare curl, a web page that found the port, a replay from another sign-in, an empty state.
    const forged = ['', '?code=x', '?state=other&code=x', '?state=&code=x', '?error=access_denied', `?state=${STATE}x&code=x`];
    for (const query of forged) {
      const page = await request(`${server.redirectUri}${query}`);
      expect(page.status).toBe(400);
      expect(page.body).toContain('does not belong to the sign-in your app is waiting for');
      expect(page.body).not.toMatch(/iss/);
    }
    figures.add('forgedCallbacksIgnored', forged.length);
    expect(settled).toBe(false);
    const browser = request(`${server.redirectUri}?code=real&state=${STATE}`);
    const callback = await waiting;
    expect(callback.url.searchParams.get('code')).toBe('real');
    callback.respond(SIGNED_IN_PAGE);
    expect((await browser).status).toBe(200);
  });

  it(`ends the wait as interference after ${MAX_FOREIGN_CALLBACKS} foreign callbacks`, async () => {
    const server = await start();
    const waiting = rejection(server.waitForCallback({ timeoutMs: 30_000 }));
    for (let i = 0; i < MAX_FOREIGN_CALLBACKS; i++) expect((await request(`${server.redirectUri}?state=guess${i}&code=x`)).status).toBe(400);
    const error = await waiting;
    expect(error).toMatchObject({ code: 'SIGN_IN_FAILED' });
    expect(error.message).toMatch(/^Someone is interfering with the sign-in: 20 requests to its callback address/);
    // A later wait ends the same way at once.
    expect(await rejection(server.waitForCallback({ timeoutMs: 30_000 }))).toBe(error);
  });

  it('answers a second /callback with "already used" and changes nothing', async () => {
    const server = await start();
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const firstBrowser = request(`${server.redirectUri}?code=first&state=xyz`);
    const callback = await waiting;
    const second = await request(`${server.redirectUri}?code=second&state=xyz`);
    expect(second.status).toBe(410);
    expect(second.body).toContain('This sign-in link was already used');
    expect(callback.url.searchParams.get('code')).toBe('first');
    const again = await server.waitForCallback({ timeoutMs: 30_000 });
    expect(again.url.searchParams.get('code')).toBe('first');
    callback.respond(SIGNED_IN_PAGE);
    expect((await firstBrowser).status).toBe(200);
  });

  it('escapes every reflected string, so an error_description cannot inject markup', async () => {
    const server = await start();
    const hostile = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const browser = request(`${server.redirectUri}?state=xyz&error=access_denied&error_description=${encodeURIComponent(hostile)}`);
    const callback = await waiting;
    const description = callback.url.searchParams.get('error_description')!;
    expect(description).toBe(hostile);
    callback.respond(PAGES.failed(`Whatalo refused the sign-in: ${description}`));
    const page = await browser;
    expect(page.status).toBe(400);
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('<img');
    expect(page.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#60;img src=x onerror=&#39;y&#39;&#62;&#38;amp;');
    expect(page.body).toContain('start the sign-in again');
  });

  it('answers oversized requests with 414 or 431 without crashing or ending the flow', async () => {
    const server = await start();
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    expect((await request(`${server.redirectUri}?state=xyz&code=${'a'.repeat(10 * 1024)}`)).status).toBe(414);
    expect((await request(`${server.redirectUri}?state=xyz&code=${'a'.repeat(40 * 1024)}`)).status).toBe(431);
    const browser = request(`${server.redirectUri}?state=xyz&code=fine`);
    const callback = await waiting;
    expect(callback.url.searchParams.get('code')).toBe('fine');
    callback.respond(SIGNED_IN_PAGE);
    expect((await browser).status).toBe(200);
  });

  it('rejects with SIGN_IN_TIMEOUT when no callback comes', async () => {
    const server = await start();
    const error = await rejection(server.waitForCallback({ timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'SIGN_IN_TIMEOUT' });
    expect(error.message).toMatch(/not completed within/);
  });

  it('rejects with CANCELLED on abort, also when already aborted', async () => {
    const server = await start();
    const controller = new AbortController();
    const waiting = server.waitForCallback({ timeoutMs: 30_000, signal: controller.signal });
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ code: 'CANCELLED' });
    expect(await rejection(server.waitForCallback({ timeoutMs: 30_000, signal: controller.signal }))).toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('answers a neutral page when respond() is never called', async () => {
    const server = await start({ respondGraceMs: 50 });
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const browser = request(`${server.redirectUri}?state=xyz&code=x`);
    await waiting;
    const page = await browser;
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab and return to your app.');
  });

  it('close() answers a pending browser, drops idle connections and leaves nothing listening', async () => {
    const server = await start();
    const port = portOf(server);
    const idle = net.connect(port, '127.0.0.1'); // a browser's pre-opened socket
    await new Promise((r) => idle.once('connect', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    const waiting = server.waitForCallback({ timeoutMs: 30_000 });
    const browser = request(`${server.redirectUri}?state=xyz&code=x`);
    await waiting;
    await server.close();
    expect((await browser).status).toBe(200);
    await idleClosed;
    expect(await connects(port)).toBe(false);
    await server.close(); // idempotent
  });
});
