/**
 * mcp-remote — the stdio-to-HTTP bridge many desktop hosts run — signing in to
 * `serve --http --sandbox` and calling a write tool, all as real processes on loopback.
 *
 * mcp-remote registers its client with the scope of the server's first 401 challenge (else
 * the metadata's `scopes_supported`), and Whatalo holds a client to the scope it registered:
 * a challenge naming only the read scopes left every write tool out of reach (its step-up
 * ended in `invalid_scope`). The challenge and the metadata name every enabled tool's scope.
 *
 * The host side is the SDK's Client over stdio to mcp-remote. mcp-remote opens the sign-in
 * URL with the BROWSER stand-in (test/fixtures/browser-fetch.mjs), which follows the embedded
 * sandbox's auto-approval to mcp-remote's loopback callback. mcp-remote opens the browser
 * before its callback listens (a person takes seconds; the stand-in takes milliseconds), so
 * the stand-in waits at its gate until mcp-remote says the callback is up. mcp-remote's state
 * (~/.mcp-auth) lives in a temporary HOME.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, spawnCli } from '../helpers/cli.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';
import { freePort } from '../helpers/ports.js';

const require = createRequire(import.meta.url);
const MCP_REMOTE = path.join(path.dirname(require.resolve('mcp-remote/package.json')), 'dist/proxy.js');

describe('mcp-remote against serve --http --sandbox', () => {
  let server: CliRun;
  let publicUrl: string;
  let home: string;
  let client: Client | undefined;
  let bridgeErr = '';

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-remote-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}/mcp`;
    server = spawnCli(['serve', '--http', '--sandbox', '--port', String(port), '--public-url', publicUrl]);
    await server.waitForStderr(/MCP resource server for .* listening on/);
  });
  afterAll(async () => {
    await client?.close();
    server?.kill();
    await server?.result;
    await rm(home, { recursive: true, force: true });
  });

  it('signs in with the scope of the first challenge and calls a write tool', async () => {
    const callbackPort = await freePort();
    const gate = path.join(home, 'callback-listening');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MCP_REMOTE, publicUrl, String(callbackPort)],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        MCP_REMOTE_CONFIG_DIR: path.join(home, '.mcp-auth'),
        BROWSER: FETCH_BROWSER,
        WHATALO_TEST_BROWSER_LOG: path.join(home, 'browser.log'),
        WHATALO_TEST_BROWSER_GATE: gate,
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      if (bridgeErr.length < 200_000) bridgeErr += chunk.toString('utf8');
      if (/OAuth callback server running/.test(bridgeErr)) void writeFile(gate, '');
    });
    client = new Client({ name: 'mcp-remote-host', version: '1.0.0' });
    try {
      await client.connect(transport);
    } catch (error) {
      throw new Error(`mcp-remote did not connect: ${String(error)}\n--- mcp-remote stderr ---\n${bridgeErr.slice(-4000)}`);
    }
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('create_category');

    const result = await client.callTool({ name: 'create_category', arguments: { name: `From mcp-remote ${Date.now()}` } });
    expect({ isError: result.isError ?? false, text: JSON.stringify(result.content).slice(0, 300) }).toMatchObject({ isError: false });

    // One sign-in, in the browser stand-in, asking for the write scope from the start.
    const launches = (await readFile(path.join(home, 'browser.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { launched?: string })
      .filter((entry) => entry.launched);
    expect(launches).toHaveLength(1);
    const scope = new URL(launches[0]!.launched!).searchParams.get('scope')!.split(' ');
    expect(scope).toEqual(expect.arrayContaining(['read:store', 'write:products']));
    expect(bridgeErr).not.toContain('invalid_scope');
  }, 60_000);
});
