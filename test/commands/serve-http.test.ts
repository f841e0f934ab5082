/**
 * `whatalo-mcp serve --http` as a real process: starts against the sandbox, serves its
 * metadata, exits 0 on SIGTERM; refuses to start without a public URL, and against an AS
 * that cannot exchange tokens (unless --upstream forward).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { useTestSandbox } from '../helpers/sandbox.js';

describe('serve --http', () => {
  const sb = useTestSandbox();

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

  it('refuses to start without --public-url, and against an AS that does not advertise token exchange', async () => {
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
    try {
      const issuer = `http://127.0.0.1:${(as.address() as AddressInfo).port}`;
      const refused = await runCli(['serve', '--http', '--port', '0', '--public-url', 'http://127.0.0.1:9/mcp', '--issuer', issuer, '--api-base', sb.apiBase]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('does not advertise token exchange');
      expect(refused.stderr).toContain('--upstream forward');
    } finally {
      await new Promise<void>((resolve) => as.close(() => resolve()));
    }
  });
});
