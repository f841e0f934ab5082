/**
 * `serve --http` as a real process, driven by the MCP SDK's own client over real sockets
 * against the sandbox: the consent page in real Chromium, an expired access token the client
 * refreshes, the AS down (503 + Retry-After, and the client starts no sign-in), introspection
 * failing or hanging, and a sweep of every log line at debug level for tokens.
 *
 * WHATALO_INTROSPECTION_TTL=0 keeps no introspection answer, so what the AS says now is what
 * the server acts on, without waiting for a cache entry to end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../fixtures/chromium-args.mjs';
import { type CliRun, spawnCli } from '../helpers/cli.js';
import { clearFaults, setFaults } from '../helpers/faults.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { freePort } from '../helpers/ports.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';
import { CHROMIUM, CHROMIUM_PATH, itWith } from '../helpers/requirements.js';

const rawHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
/** A token the sandbox never issued, of the right shape: only introspection can tell. */
const unknownToken = (c: string) => c.repeat(43);

describe('serve --http (a real process) with the SDK client', () => {
  let sb: TestSandbox;
  let run: CliRun;
  let publicUrl: URL;

  beforeAll(async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    const port = await freePort();
    publicUrl = new URL(`http://127.0.0.1:${port}/mcp`);
    run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', publicUrl.href, '--issuer', sb.issuer, '--api-base', sb.apiBase], {
      env: { WHATALO_INTROSPECTION_TTL: '0', WHATALO_LOG_LEVEL: 'debug' },
      timeoutMs: 120_000,
    });
    await run.waitForStderr(/MCP resource server for .* listening on/);
  });
  afterEach(async () => {
    await clearFaults(sb.issuer);
    await sb.authorization({ auto_approve: sb.stores[0]!.id });
  });
  afterAll(async () => {
    run?.kill();
    await run?.result;
    await sb?.close();
  });

  it('an expired access token is refreshed by the client, with no new sign-in', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    expect((await client.callTool({ name: 'get_store', arguments: {} })).isError).toBeFalsy();
    const first = provider.saved!.access_token;
    const refreshes = (await sb.stats()).grants.refresh_token;
    // Past the sandbox's one-hour access tokens; its 30-day refresh token still works.
    await sb.advanceClock(3700);
    const result = await client.callTool({ name: 'get_store', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain(`"${sb.stores[0]!.id}"`);
    expect(provider.saved!.access_token).not.toBe(first);
    expect((await sb.stats()).grants.refresh_token).toBe(refreshes + 1);
    expect(provider.authorizations).toHaveLength(1);
    await client.close();
  });

  it('the AS down: 503 with Retry-After, and the SDK client starts no sign-in; once it is back the same token works', async () => {
    const provider = new TestProvider();
    const client = await connect(publicUrl, provider);
    const authorizeRequests = (await sb.stats()).requests['/oauth/authorize'] ?? 0;
    await setFaults(sb.issuer, [{ path: '/oauth/*', down: true }]);
    const raw = await fetch(publicUrl, { method: 'POST', headers: { ...rawHeaders, authorization: `Bearer ${provider.saved!.access_token}` }, body: ping });
    expect(raw.status).toBe(503);
    expect(raw.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(raw.headers.get('www-authenticate')).toBeNull();
    for (let i = 0; i < 3; i++) {
      const error = await client.callTool({ name: 'get_store', arguments: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect((error as StreamableHTTPError).code).toBe(503);
    }
    expect(provider.authorizations).toHaveLength(1);
    await clearFaults(sb.issuer);
    expect((await sb.stats()).requests['/oauth/authorize'] ?? 0).toBe(authorizeRequests);
    expect((await client.callTool({ name: 'get_store', arguments: {} })).isError).toBeFalsy();
    expect(provider.authorizations).toHaveLength(1);
    await client.close();
  });

  it('introspection answering 5xx, or not answering within the time limit, is 503 with Retry-After, never 401', async () => {
    for (const [fault, c] of [
      [{ path: '/oauth/introspect', status: 500 }, 'D'],
      [{ path: '/oauth/introspect', status: 502 }, 'E'],
      // Longer than the server's 5 s limit for the AS.
      [{ path: '/oauth/introspect', latency_ms: 8000 }, 'F'],
    ] as const) {
      await setFaults(sb.issuer, [fault]);
      const answer = await fetch(publicUrl, { method: 'POST', headers: { ...rawHeaders, authorization: `Bearer ${unknownToken(c)}` }, body: ping });
      expect({ fault, status: answer.status }).toEqual({ fault, status: 503 });
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answer.headers.get('www-authenticate')).toBeNull();
    }
  }, 30_000);

  itWith(
    CHROMIUM,
    'the merchant approves on the real consent page in Chromium; the client then works on the chosen store',
    async () => {
      await sb.authorization({ auto_approve: null });
      const store = sb.stores[1]!;
      // The host's loopback redirect target, where Chromium lands with the code.
      const codes: string[] = [];
      const callback = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const code = url.searchParams.get('code');
        if (url.pathname === '/callback' && code) codes.push(code);
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="back">Back in the app</h1>');
      });
      await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
      const profile = await mkdtemp(path.join(os.tmpdir(), 'whatalo-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ['--headless', ...CHROMIUM_ARGS],
      });
      try {
        const page = await browser.newPage();
        const provider = new TestProvider(
          async (url) => {
            await page.goto(url.href);
            await page.getByRole('radio', { name: new RegExp(store.name) }).check();
            await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
            return codes.at(-1);
          },
          `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`,
        );
        const client = await connect(publicUrl, provider);
        expect(codes).toHaveLength(1);
        expect(await page.locator('#back').textContent()).toBe('Back in the app');
        const result = await client.callTool({ name: 'get_store', arguments: {} });
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result.structuredContent)).toContain(`"${store.id}"`);
        expect(JSON.stringify(result.structuredContent)).not.toContain(`"${sb.stores[0]!.id}"`);
        await client.close();
      } finally {
        await browser.close();
        await new Promise<void>((resolve) => callback.close(() => resolve()));
        await rm(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('no token the sandbox issued appears in any line the server logged (at debug level), nor on stdout', async () => {
    run.kill();
    const { stdout, stderr } = await run.result;
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const report = await sweepForTokens(sb, { texts: { stderr } });
    expect(report.tokens).toBeGreaterThan(4);
    expect(report.leaks).toEqual([]);
  });
});
