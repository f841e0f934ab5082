/**
 * The relay's bounds against a hostile remote MCP server (node:http on 127.0.0.1, no sign-in):
 * the real `serve --remote` spawned as a host runs it, its memory read from /proc.
 *
 * - one SSE event of 600 MiB (1 MiB data lines), and 16 such events at once: each host request
 *   is answered with a failed result, and the relay's peak RSS stays under 200 MB;
 * - an endless stream of notifications while the host reads slowly: the relay stops reading
 *   the remote (the server's writes wait), stays under 200 MB, and answers once the host reads;
 * - a JSON answer that drips: a failed result once the body deadline passes;
 * - 3,000 relayed pings: no MaxListenersExceededWarning (one abort listener per request,
 *   removed when it ends).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { suiteFigures } from '../helpers/figures.js';
import { type LoopbackServer, type RawHost, type RpcMessage, initializeResult, loopbackServer, pour, sendJson, spawnRelay } from './kit.js';

const figures = suiteFigures('remote limits');
const MB = 1024 * 1024;
const MEMORY_LIMIT_MB = 200;
const CAP = 4 * MB;

type Mode = 'giant-event' | 'endless-notifications' | 'drip' | 'plain';

describe('serve --remote against a hostile remote server', () => {
  let mode: Mode = 'plain';
  let server: LoopbackServer;
  /** Times the server's writes had to wait because the relay stopped reading. */
  let serverWaits = 0;
  let host: RawHost | undefined;
  const line = Buffer.from(`data: ${'x'.repeat(MB)}\n`);

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (req.method === 'GET') {
      if (mode !== 'endless-notifications') return void res.writeHead(405).end();
      // The standalone stream: notifications for ever, as fast as the relay takes them.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const note = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'n'.repeat(1000) } });
      return void pour(res, Buffer.from(`event: message\ndata: ${note}\n\n`.repeat(64)), Infinity, () => serverWaits++);
    }
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    const message = JSON.parse(body) as RpcMessage;
    if (message.method === 'initialize') return sendJson(res, 200, initializeResult(message.id));
    if (message.id === undefined) return void res.writeHead(202).end();
    if (message.method === 'tools/call' && mode === 'giant-event') {
      // One event of 600 MiB in 1 MiB data lines: the SDK would join them all into one string.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\n');
      return void pour(res, line, 600 * MB).then(() => res.end('\n'));
    }
    if (message.method === 'tools/call' && mode === 'drip') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"content":[{"type":"text","text":"`);
      const timer = setInterval(() => res.write('x'), 500);
      return void res.once('close', () => clearInterval(timer));
    }
    sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
  }

  beforeAll(async () => {
    server = await loopbackServer(handle);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  async function relay(as: Mode, env: Record<string, string> = {}): Promise<RawHost> {
    mode = as;
    host = await spawnRelay(`${server.base}/mcp`, env);
    const answer = await host.initialize();
    expect(answer.result?.protocolVersion).toBe('2025-11-25');
    return host;
  }

  /** A tools/call's failed result: a tool result with isError (or a JSON-RPC error), as text. */
  function failure(answer: RpcMessage): string {
    if (answer.error) return answer.error.message;
    expect(answer.result?.isError).toBe(true);
    return (answer.result?.content as { text: string }[])[0]!.text;
  }

  it('answers a call whose SSE event grows to 600 MiB with a failed result at 4 MiB, under 200 MB', async () => {
    const relayed = await relay('giant-event');
    const answer = await relayed.request('tools/call', { name: 'giant', arguments: {} }, 60_000);
    expect(failure(answer)).toContain(`The MCP server at ${server.base}/mcp sent an event over ${CAP} bytes; it was dropped`);
    figures.add('eventsCapped');
    expect((await relayed.request('ping')).result).toEqual({});
    const { peakMb } = relayed.memory();
    console.log(`relay peak RSS with one giant event: ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeLessThan(MEMORY_LIMIT_MB);
  });

  it('answers 16 concurrent calls whose events grow to 600 MiB each with failed results, under 200 MB', async () => {
    const relayed = await relay('giant-event');
    const answers = await Promise.all(Array.from({ length: 16 }, () => relayed.request('tools/call', { name: 'giant', arguments: {} }, 90_000)));
    for (const answer of answers) expect(failure(answer)).toContain(`sent an event over ${CAP} bytes`);
    figures.add('eventsCapped', answers.length);
    expect((await relayed.request('ping')).result).toEqual({});
    const { peakMb } = relayed.memory();
    console.log(`relay peak RSS with 16 giant events: ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeLessThan(MEMORY_LIMIT_MB);
  });

  it('stops reading an endless notification stream while the host reads slowly, stays under 200 MB and still answers', async () => {
    const relayed = await relay('endless-notifications');
    serverWaits = 0;
    relayed.pause();
    // A host that takes 16 KiB every 50 ms for 12 s: the relay must wait for it, not buffer for it.
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      relayed.readSome(16 * 1024);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { peakMb } = relayed.memory();
    console.log(`relay peak RSS under an endless stream and a slow host: ${peakMb.toFixed(0)} MB; the server waited ${serverWaits} times`);
    expect(peakMb).toBeLessThan(MEMORY_LIMIT_MB);
    expect(serverWaits).toBeGreaterThan(0);
    figures.add('relayBackpressure', serverWaits);
    relayed.resume();
    expect((await relayed.request('ping', undefined, 20_000)).result).toEqual({});
    expect(relayed.notifications.get('notifications/message') ?? 0).toBeGreaterThan(0);
  });

  it('answers a call whose JSON answer drips with a failed result once the body deadline passes', async () => {
    const relayed = await relay('drip', { WHATALO_REMOTE_TIMEOUT_MS: '1500' });
    const started = Date.now();
    const answer = await relayed.request('tools/call', { name: 'drip', arguments: {} }, 20_000);
    expect(failure(answer)).toContain(`The MCP server at ${server.base}/mcp did not finish its answer within 2 s`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await relayed.request('ping')).result).toEqual({});
  });

  it('relays 3,000 pings without piling up abort listeners', async () => {
    const relayed = await relay('plain');
    for (let batch = 0; batch < 30; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => relayed.request('ping')));
      for (const answer of answers) expect(answer.result).toEqual({});
    }
    expect(relayed.stderr()).not.toContain('MaxListenersExceededWarning');
  });
});
