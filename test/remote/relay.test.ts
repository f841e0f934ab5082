/**
 * The relay passes every message through, both ways: a real SDK McpServer over Streamable
 * HTTP (stateful, with its standalone GET stream) on a loopback port, the spawned
 * `serve --remote` in front of it, and the SDK's Client over stdio. Progress notifications,
 * an elicitation request from the server and its answer, a cancellation, and a tools
 * list_changed notification all reach the other side unchanged.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type McpSession, startMcp, textOf } from '../helpers/mcp.js';

describe('the relay', () => {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  let started: () => void = () => {};
  let cancelled: Promise<void>;
  let markCancelled: () => void = () => {};
  let session: McpSession;
  let listChanged = 0;

  function buildServer(): McpServer {
    const mcp = new McpServer({ name: 'relay-test', version: '1.0.0' });
    mcp.registerTool('count', { inputSchema: { steps: z.number() } }, async ({ steps }, extra) => {
      for (let i = 1; i <= steps; i++) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: extra._meta!.progressToken!, progress: i, total: steps } });
      }
      // The SDK's Client handles notifications a microtask later than responses: when both
      // arrive in one read (stdio), the result would retire the progress handler first.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { content: [{ type: 'text', text: `counted to ${steps}` }] };
    });
    mcp.registerTool('ask', {}, async () => {
      const answer = await mcp.server.elicitInput({
        message: 'What is your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      });
      return { content: [{ type: 'text', text: `hello ${String(answer.content?.name)} (${answer.action})` }] };
    });
    mcp.registerTool('wait', {}, async (extra) => {
      started();
      await new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve(), { once: true }));
      markCancelled();
      return { content: [{ type: 'text', text: 'stopped' }] };
    });
    mcp.registerTool('add_tool', {}, async () => {
      mcp.registerTool('late', {}, async () => ({ content: [{ type: 'text', text: 'late' }] }));
      return { content: [{ type: 'text', text: 'added' }] };
    });
    return mcp;
  }

  const http = createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? transports.get(id) : undefined;
    if (known) return void known.handleRequest(req, res);
    // A session this server does not know (it restarted): 404, as the transport spec says.
    if (typeof id === 'string') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown session"}');
    if (req.method !== 'POST') return void res.writeHead(400).end();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void transports.set(sid, transport),
    });
    void buildServer()
      .connect(transport)
      .then(() => transport.handleRequest(req, res));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    session = await startMcp({
      args: ['--remote', url],
      clientOptions: { capabilities: { elicitation: { form: {} } } },
      setup(client) {
        client.setRequestHandler(ElicitRequestSchema, async (request) => ({
          action: 'accept',
          content: { name: request.params.message.includes('name') ? 'Ada' : '?' },
        }));
        client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
      },
    });
  });

  afterAll(async () => {
    await session?.close();
    for (const transport of transports.values()) await transport.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('passes the remote tools and their progress notifications through', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add_tool', 'ask', 'count', 'wait']);
    const progress: number[] = [];
    const result = await session.client.callTool({ name: 'count', arguments: { steps: 3 } }, CallToolResultSchema, {
      onprogress: (p) => void progress.push(p.progress),
    });
    expect(textOf(result as never)).toBe('counted to 3');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('passes an elicitation request to the host and its answer back', async () => {
    const result = await session.call('ask');
    expect(textOf(result)).toBe('hello Ada (accept)');
  });

  it('passes a cancellation to the remote server', async () => {
    const running = new Promise<void>((resolve) => (started = resolve));
    cancelled = new Promise<void>((resolve) => (markCancelled = resolve));
    const abort = new AbortController();
    const call = session.client.callTool({ name: 'wait', arguments: {} }, CallToolResultSchema, { signal: abort.signal });
    await running;
    abort.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await cancelled;
  });

  it('passes a tools list_changed notification from the server (on its standalone stream)', async () => {
    expect((await session.call('add_tool')).isError).toBeFalsy();
    await expect.poll(() => listChanged, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await session.client.listTools()).tools.map((t) => t.name)).toContain('late');
  });

  it('opens a new session when the server has forgotten the old one (404), and the call that met it succeeds', async () => {
    for (const transport of transports.values()) await transport.close();
    const forgotten = new Set(transports.keys());
    transports.clear();
    const result = await session.call('ask');
    expect(textOf(result)).toBe('hello Ada (accept)');
    expect([...transports.keys()].some((id) => !forgotten.has(id))).toBe(true);
    expect(session.stderr()).toContain('a new one was started');
  });
});
