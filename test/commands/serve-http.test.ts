/**
 * `whatalo-mcp serve --http` as a real process: starts against the sandbox, serves its
 * metadata, exits 0 on SIGTERM — within its grace period even with idle, slow-header and
 * slow-body clients connected; refuses to start without a public URL; starts against an AS
 * whose metadata does not list token exchange (CONTRACT A2), saying so.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { SLOW_CLIENTS, slowClient } from '../helpers/hostile-http.js';
import { freePort } from '../helpers/ports.js';
import { RELAXED_LIMITS, useTestSandbox } from '../helpers/sandbox.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';

const figures = suiteFigures('serve --http');

describe('serve --http', () => {
  const sb = useTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });

  it('starts on the sandbox with one command, answers metadata and health, logs JSON, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/mcp`;
    const run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', publicUrl, '--issuer', sb.issuer, '--api-base', sb.apiBase]);
    try {
      await run.waitForStderr(/listening on/);
      const meta = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string };
      expect(meta.resource).toBe(publicUrl);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      run.kill();
    }
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    for (const line of result.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('on SIGTERM with idle, slow-header and slow-body clients connected, exits 0 within its grace period', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/mcp`;
    const run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', publicUrl, '--issuer', sb.issuer, '--api-base', sb.apiBase], {
      env: { WHATALO_HTTP_GRACE_SECONDS: '1' },
    });
    let clients: ReturnType<typeof slowClient>[] = [];
    try {
      await run.waitForStderr(/listening on/);
      // Signed in, so the slow body is read (without a token it is refused and closed at once).
      const provider = new TestProvider();
      await (await connect(new URL(publicUrl), provider)).close();
      const bearer = [`Authorization: Bearer ${provider.saved!.access_token}`];
      clients = [...SLOW_CLIENTS, ...SLOW_CLIENTS].map((kind) => slowClient(port, kind, bearer));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = performance.now();
      run.kill();
      const result = await run.result;
      const took = performance.now() - sent;
      expect(result.code).toBe(0);
      // Nothing had closed them before SIGTERM: every one was still open when the drain began.
      expect(clients.every((c) => c.received() === '')).toBe(true);
      // 1 s of grace, then every connection closed; far below the 10 s headers bound that would otherwise end them.
      expect(took).toBeLessThan(3_000);
      expect(result.stderr).toContain('shutting down');
      await Promise.all(clients.map((c) => c.closed));
      figures.add('idleSocketsClosed', clients.length);
    } finally {
      run.kill();
      for (const c of clients) c.destroy();
    }
  });

  it('refuses to start without --public-url; starts against an AS whose metadata does not list token exchange, and says so', async () => {
    const missing = await runCli(['serve', '--http', '--issuer', sb.issuer, '--api-base', sb.apiBase]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--public-url');

    // An AS whose metadata lists no token exchange grant.
    const as = createServer((req, res) => {
      const issuer = `http://127.0.0.1:${(as.address() as AddressInfo).port}`;
      const meta = JSON.parse(JSON.stringify(fetchedMetadata).replaceAll(sb.issuer, issuer)) as Record<string, unknown>;
      meta.grant_types_supported = ['authorization_code', 'refresh_token'];
      res.writeHead(req.url === '/.well-known/oauth-authorization-server' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(meta));
    });
    const fetchedMetadata = await (await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).json();
    await new Promise<void>((resolve) => as.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    // Pre-provisioned RS credentials: this AS serves nothing but its metadata.
    const run = spawnCli(
      [
        'serve',
        '--http',
        '--port',
        String(port),
        '--public-url',
        `http://127.0.0.1:${port}/mcp`,
        '--issuer',
        `http://127.0.0.1:${(as.address() as AddressInfo).port}`,
        '--api-base',
        sb.apiBase,
      ],
      { env: { WHATALO_RS_CLIENT_ID: 'rs-client', WHATALO_RS_CLIENT_SECRET: 'rs-secret' } },
    );
    try {
      await run.waitForStderr(/listening on/);
      expect(run.stderr()).toContain('does not list token exchange');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      run.kill();
      expect((await run.result).code).toBe(0);
    } finally {
      run.kill();
      await new Promise<void>((resolve) => as.close(() => resolve()));
    }
  });
});
