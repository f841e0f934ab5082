/**
 * The relay's bound on what waits for the host: a real remote MCP server (node:http on
 * 127.0.0.1, its standalone stream sending notifications) and, on the host side, a transport
 * in this process whose unread output the test sets. Past MAX_HOST_BACKLOG_BYTES the relay
 * drops notifications, with one warning, and still delivers answers; once the host catches up,
 * notifications flow again.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { MAX_HOST_BACKLOG_BYTES, type Relay, startRelay } from '../../src/remote/relay.js';
import { suiteFigures } from '../helpers/figures.js';
import { type LoopbackServer, type RpcMessage, initializeResult, loopbackServer, sendJson } from './kit.js';

const figures = suiteFigures('remote host backlog');

describe('the relay with a host that is far behind', () => {
  let server: LoopbackServer;
  let stream: ServerResponse | undefined;
  let relay: Relay;
  let backlog = 0;
  const delivered: JSONRPCMessage[] = [];
  const logs: string[] = [];
  let deliver: (message: JSONRPCMessage) => void = () => {};

  function notify(n: number): void {
    for (let i = 0; i < n; i++) {
      const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `note ${i}` } };
      stream!.write(`event: message\ndata: ${JSON.stringify(note)}\n\n`);
    }
  }

  beforeAll(async () => {
    server = await loopbackServer((req, res, body) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
        stream = res;
        return;
      }
      if (req.method !== 'POST') return void res.writeHead(200).end();
      const message = JSON.parse(body) as RpcMessage;
      if (message.method === 'initialize') return sendJson(res, 200, initializeResult(message.id));
      if (message.id === undefined) return void res.writeHead(202).end();
      sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
    });
    const host: Transport = {
      async start() {},
      async close() {},
      async send(message) {
        delivered.push(message);
      },
    };
    deliver = (message) => host.onmessage?.(message);
    relay = await startRelay({
      host,
      connectRemote: () => new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`)),
      logger: createLogger({ level: 'warn', write: (line) => void logs.push(line) }),
      server: new URL(`${server.base}/mcp`),
      hostFlow: { ready: () => undefined, backlog: () => backlog },
    });
    deliver({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } },
    });
    deliver({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  afterAll(async () => {
    stream?.end();
    await relay.close();
    await server.close();
  });

  const notes = () => delivered.filter((m) => 'method' in m && m.method === 'notifications/message').length;

  it('drops notifications past the bound with one warning, still answers, and delivers again once the host catches up', async () => {
    await expect.poll(() => delivered.length).toBe(1);
    await expect.poll(() => stream !== undefined).toBe(true);
    backlog = MAX_HOST_BACKLOG_BYTES + 1;
    notify(200);
    deliver({ jsonrpc: '2.0', id: 2, method: 'ping' });
    // The answer comes through although the host is behind: only notifications are dropped.
    await expect.poll(() => delivered.some((m) => 'id' in m && m.id === 2)).toBe(true);
    await expect.poll(() => logs.filter((l) => l.includes('notifications from the MCP server')).length).toBe(1);
    expect(notes()).toBe(0);
    expect(logs.join('\n')).toContain(`dropped while over ${MAX_HOST_BACKLOG_BYTES} bytes wait for it`);
    figures.add('relayBackpressure');

    // Every one of the 200 has been read (and dropped) long before this on loopback.
    await new Promise((resolve) => setTimeout(resolve, 500));
    backlog = 0;
    notify(5);
    await expect.poll(() => notes()).toBe(5);
    expect(logs.filter((l) => l.includes('notifications from the MCP server'))).toHaveLength(1);
  });
});
