/**
 * Remote mode end to end, all real processes and sockets: the SDK's Client over stdio →
 * spawned `serve --remote` → spawned `serve --http` (this package's resource server) → the
 * sandbox AS and API. The relay signs in from the 401 (RFC 9728 metadata, DCR, PKCE,
 * `resource`), passes every message through, and keeps the grant in the credential store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, spawnCli } from '../helpers/cli.js';
import { FETCH_BROWSER, type McpSession, startMcp, textOf } from '../helpers/mcp.js';
import { freePort } from '../helpers/ports.js';
import { useTestSandbox } from '../helpers/sandbox.js';

describe('serve --remote against serve --http', () => {
  const sb = useTestSandbox({ autoApprove: 'first' });
  let http: CliRun;
  let remoteUrl: string;
  let configDir: string;

  /** `serve --http` on `port`, as an operator runs it. */
  async function startHttp(port: number): Promise<CliRun> {
    const url = `http://127.0.0.1:${port}/mcp`;
    const run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', url, '--issuer', sb.issuer, '--api-base', sb.apiBase], {
      timeoutMs: 300_000,
    });
    await run.waitForStderr(/listening on/);
    return run;
  }

  beforeAll(async () => {
    const port = await freePort();
    remoteUrl = `http://127.0.0.1:${port}/mcp`;
    http = await startHttp(port);
    configDir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-remote-'));
  });

  afterAll(async () => {
    http?.kill();
    await http?.result;
    await rm(configDir, { recursive: true, force: true });
  });

  function relay(extra: Record<string, string> = {}, url = remoteUrl): Promise<McpSession> {
    return startMcp({
      args: ['--remote', url],
      configDir,
      env: { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'a passphrase for tests', BROWSER: FETCH_BROWSER, ...extra },
    });
  }

  it('lists the remote tools and calls a read tool after signing in from the 401', async () => {
    const session = await relay();
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toContain('get_store');
      const result = await session.call('get_store');
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toContain(sb.stores[0]!.id);
      expect(session.stderr().match(/open this URL/g)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  it('answers a tool call with a clear error while the remote is down, and serves again once it is back', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/mcp`;
    let own = await startHttp(port);
    const session = await relay({}, url);
    try {
      expect((await session.call('get_store')).isError).toBeFalsy();
      own.kill();
      await own.result;
      const down = await session.call('get_store');
      expect(down.isError).toBe(true);
      expect(textOf(down)).toContain(`The MCP server at ${url} cannot be reached (ECONNREFUSED)`);
      // The stdio session is still there: the next call, once the server is back, works.
      own = await startHttp(port);
      const back = await session.call('get_store');
      expect(back.isError).toBeFalsy();
      expect(textOf(back)).toContain(sb.stores[0]!.id);
    } finally {
      await session.close();
      own.kill();
      await own.result;
    }
  });
});
