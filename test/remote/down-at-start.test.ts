/**
 * A remote MCP server that is down when the host starts `serve --remote` (real processes and
 * sockets; the remote is node:http on 127.0.0.1): `initialize` is answered anyway, `tools/list`
 * with the tools the server last listed (or none), and once the server is up the host is told
 * its tools changed and calls go through. The session never dies for the host.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { type LoopbackServer, type RawHost, type RpcMessage, loopbackServer, sendJson, spawnRelay } from './kit.js';

const TOOLS = [{ name: 'echo', description: 'Says it back', inputSchema: { type: 'object' } }];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.method !== 'POST') return void res.writeHead(req.method === 'DELETE' ? 200 : 405).end();
  const message = JSON.parse(body) as RpcMessage;
  if (message.id === undefined) return void res.writeHead(202).end();
  const answer = (result: unknown) => sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result });
  switch (message.method) {
    case 'initialize':
      return answer({
        protocolVersion: '2025-11-25',
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'echo-server', version: '2.0.0' },
        instructions: 'Echoes.',
      });
    case 'tools/list':
      return answer({ tools: TOOLS });
    case 'tools/call':
      return answer({ content: [{ type: 'text', text: 'echoed' }] });
    default:
      return answer({});
  }
}

describe('serve --remote when the remote server is down at start', () => {
  let dir: string;
  let url: string;
  let port: number;
  let remote: LoopbackServer | undefined;
  const hosts: RawHost[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-down-'));
    port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
  });

  afterAll(async () => {
    for (const host of hosts) await host.close();
    await remote?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function relay(): Promise<RawHost> {
    const host = await spawnRelay(url, { WHATALO_REMOTE_RETRY_MS: '200' }, dir);
    hosts.push(host);
    return host;
  }

  function toolNames(answer: RpcMessage): string[] {
    return ((answer.result?.tools ?? []) as { name: string }[]).map((t) => t.name);
  }

  it('starts the session with no tools, then tells the host once the server is up, and calls go through', async () => {
    const host = await relay();
    const init = await host.initialize();
    expect(init.error).toBeUndefined();
    expect(init.result).toMatchObject({ protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } } });
    expect(toolNames(await host.request('tools/list'))).toEqual([]);
    expect((await host.request('ping')).result).toEqual({});
    expect(host.stderr()).toContain(`The MCP server at ${url} cannot be reached (ECONNREFUSED)`);

    remote = await loopbackServer(handle, port);
    await expect.poll(() => host.notifications.get('notifications/tools/list_changed') ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(toolNames(await host.request('tools/list'))).toEqual(['echo']);
    const call = await host.request('tools/call', { name: 'echo', arguments: {} });
    expect(call.result).toMatchObject({ content: [{ type: 'text', text: 'echoed' }] });
    await host.close();
  });

  it('lists what the server last listed when it is down at the next start, and fails a call clearly', async () => {
    await remote?.close();
    remote = undefined;
    const host = await relay();
    const init = await host.initialize();
    // What the server said of itself last time, with list changes promised.
    expect(init.result).toMatchObject({
      serverInfo: { name: 'echo-server', version: '2.0.0' },
      instructions: 'Echoes.',
      capabilities: { tools: { listChanged: true } },
    });
    expect(toolNames(await host.request('tools/list'))).toEqual(['echo']);
    const call = await host.request('tools/call', { name: 'echo', arguments: {} });
    expect(call.result?.isError).toBe(true);
    expect(JSON.stringify(call.result)).toContain(`The MCP server at ${url} cannot be reached (ECONNREFUSED)`);
    expect((await host.request('ping')).result).toEqual({});
  });
});
