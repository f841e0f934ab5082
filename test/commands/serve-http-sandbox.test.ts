/**
 * `whatalo-mcp serve --http --sandbox` as a real process: the one-command HTTP mode on the
 * embedded sandbox, and `--test-no-auth`, the switch the conformance step needs (the suite
 * cannot send a token), which must be refused unless the embedded sandbox is on.
 */
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { ALL_TOOLS } from '../../src/tools/index.js';

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const rpc = (id: number, method: string, params?: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });

async function startOnSandbox(extra: string[]) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}/mcp`;
  const run = spawnCli(['serve', '--http', '--sandbox', '--port', String(port), '--public-url', publicUrl, ...extra]);
  await run.waitForStderr(/MCP resource server for .* listening on/);
  return { run, publicUrl };
}

describe('serve --http --sandbox', () => {
  it('runs in one command: the metadata names the embedded AS and a request without a token gets the 401 challenge', async () => {
    const { run, publicUrl } = await startOnSandbox([]);
    try {
      const issuer = /sandbox running at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())![1];
      const meta = (await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', publicUrl))).json()) as Record<string, unknown>;
      expect(meta.authorization_servers).toEqual([issuer]);
      const answer = await fetch(publicUrl, { method: 'POST', headers, body: rpc(1, 'tools/list') });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('resource_metadata=');
      expect(run.stderr()).not.toContain('WITHOUT authentication');
    } finally {
      run.kill();
    }
    expect((await run.result).code).toBe(0);
  });

  it('--test-no-auth is refused without the embedded sandbox, with --http or without it', async () => {
    const port = await freePort();
    const http = await runCli(['serve', '--http', '--test-no-auth', '--port', String(port), '--public-url', `http://127.0.0.1:${port}/mcp`]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('--test-no-auth');
    expect(http.stderr).toContain('--sandbox');
    expect(http.stderr).not.toContain('listening on');
    const stdio = await runCli(['serve', '--sandbox', '--test-no-auth']);
    expect(stdio.code).toBe(2);
    expect(stdio.stderr).toContain('--test-no-auth applies to --http --sandbox only');
  });

  it('--test-no-auth on the sandbox warns loudly, then answers without a token, calls included', async () => {
    const { run, publicUrl } = await startOnSandbox(['--test-no-auth']);
    try {
      expect(run.stderr()).toContain('WARNING: --test-no-auth: every request is served WITHOUT authentication');
      const list = await fetch(publicUrl, { method: 'POST', headers, body: rpc(1, 'tools/list') });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { result: { tools: unknown[] } }).result.tools).toHaveLength(ALL_TOOLS.length);
      const call = await fetch(publicUrl, { method: 'POST', headers, body: rpc(2, 'tools/call', { name: 'get_store', arguments: {} }) });
      const result = ((await call.json()) as { result: { isError?: boolean; structuredContent?: { store?: { id?: string } } } }).result;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent?.store?.id).toMatch(/^str_/);
      // The Host and Origin checks stay on: they are what the conformance suite's DNS-rebinding scenario tests.
      expect((await fetch(publicUrl, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body: rpc(3, 'ping') })).status).toBe(403);
    } finally {
      run.kill();
    }
    expect((await run.result).code).toBe(0);
  });

  it('without --public-url fails (exit 2) before the sandbox starts', async () => {
    const result = await runCli(['serve', '--http', '--sandbox', '--port', String(await freePort())], { env: { WHATALO_PUBLIC_URL: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--public-url / WHATALO_PUBLIC_URL is required with --http');
    expect(result.stderr).not.toContain('sandbox running');
  });
});
