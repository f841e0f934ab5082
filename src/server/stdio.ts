/**
 * The stdio entry: the protocol on stdin/stdout, until the host closes stdin or the process
 * is told to stop. stdout carries only JSON-RPC; everything human goes to stderr.
 *
 * Two guards around the SDK's transport:
 * - stdin passes a line gate: a line longer than MAX_LINE_BYTES is dropped with a warning,
 *   never buffered. The SDK's own buffer gives up at 10 MiB by closing the session, so one
 *   oversized message would stop a host's server from answering anything after it.
 * - answers are written in batches: those that become ready in one turn of the event loop go
 *   out in one write, and once the pipe is full every sender shares one wait for `drain`
 *   (one listener per pending answer set off MaxListenersExceededWarning at a thousand calls).
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';

/** Far above any message this server accepts (tool arguments are a few hundred bytes), well under the SDK's 10 MiB. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Feeds `onLines` the complete lines of each chunk (consecutive ones together, in one buffer)
 * and keeps an unfinished line for the next chunk; a line longer than `maxBytes` is counted,
 * discarded as it arrives, and reported to `onDropped` once it ends.
 */
export function lineGate(maxBytes: number, onLines: (lines: Buffer) => void, onDropped: (bytes: number) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropping = false;
  return (chunk) => {
    let start = 0;
    // Where the run of complete lines not yet handed on begins in this chunk.
    let run = 0;
    const flush = (end: number) => {
      if (end > run) onLines(chunk.subarray(run, end));
    };
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      const stop = end === -1 ? chunk.length : end + 1;
      const bytes = pendingBytes + stop - start;
      if (end === -1) {
        flush(start);
        if (!dropping && bytes > maxBytes + 1) {
          dropping = true;
          pending = [];
        }
        if (!dropping && stop > start) pending.push(chunk.subarray(start));
        pendingBytes = bytes;
        return;
      }
      if (dropping || bytes > maxBytes + 1) {
        flush(start);
        onDropped(bytes);
        run = stop;
      } else if (pending.length > 0) {
        onLines(Buffer.concat([...pending, chunk.subarray(start, stop)]));
        run = stop;
      }
      pending = [];
      pendingBytes = 0;
      dropping = false;
      start = stop;
    }
  };
}

/**
 * What the SDK's transport reads stdin through: it listens for `data` and `error` and may
 * `pause()`, no more (its stdio.js), so a plain emitter fed by the gate serves, with no
 * stream of its own between stdin and the protocol (a Transform there cost ~8 % of a tool
 * call's CPU in the stdio bench).
 */
class GatedInput extends EventEmitter {
  constructor(private readonly source: Readable) {
    super();
  }

  pause(): this {
    this.source.pause();
    return this;
  }
}

/**
 * The SDK's transport, writing the answers that become ready in one turn of the event loop
 * with one write. With many calls in flight several API answers arrive per turn, and each
 * write is a system call that also wakes the host to read (at concurrency 64 in the stdio
 * bench, batching took ~5 µs of server CPU and ~4 µs of the host's off each call). A lone
 * answer waits for nothing: the batch goes out in the same turn's check phase.
 */
class BatchingTransport extends StdioServerTransport {
  private batch: string[] = [];
  private drained: Promise<void> | undefined;

  constructor(
    stdin: GatedInput,
    private readonly out: NodeJS.WritableStream & { writableNeedDrain?: boolean },
  ) {
    super(stdin as unknown as Readable, out as typeof process.stdout);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    if (this.batch.push(serializeMessage(message)) === 1) setImmediate(this.flush);
    if (!this.out.writableNeedDrain) return Promise.resolve();
    this.drained ??= new Promise((resolve) => this.out.once('drain', () => ((this.drained = undefined), resolve())));
    return this.drained;
  }

  /** Answers already sent must not be lost when the connection closes before the batch goes out. */
  override async close(): Promise<void> {
    this.flush();
    await super.close();
  }

  private readonly flush = (): void => {
    if (this.batch.length === 0) return;
    const text = this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.out.write(text);
  };
}

/** Serves `server` over this process's stdio; resolves once the connection is over. */
export function serveStdio(server: Server, options: { signal: AbortSignal; logger: Logger }): Promise<void> {
  return runStdio((transport) => server.connect(transport), options);
}

/**
 * This process's stdio as a transport, handed to `connect` (which starts it), with the line
 * gate and batched writes; resolves once the host side is over (stdin ended, or `signal`).
 */
export async function runStdio(connect: (transport: Transport) => Promise<void>, options: { signal: AbortSignal; logger: Logger }): Promise<void> {
  const lines = new GatedInput(process.stdin);
  const feed = lineGate(
    MAX_LINE_BYTES,
    (bytes) => lines.emit('data', bytes),
    (bytes) => options.logger.warn(`ignored a stdin message of ${bytes} bytes: longer than the ${MAX_LINE_BYTES}-byte limit for one line`),
  );
  process.stdin.on('data', feed);
  process.stdin.on('error', (error) => lines.emit('error', error));
  const transport = new BatchingTransport(lines, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      // The SDK pauses what it reads, which is the gate's emitter: stdin itself must stop
      // flowing too, or its open pipe keeps the process alive after SIGTERM.
      process.stdin.off('data', feed);
      process.stdin.pause();
      resolve();
    };
    // The SDK's transport does not notice EOF: a host that closes our stdin means "stop".
    process.stdin.once('end', () => void transport.close());
    process.stdin.once('close', () => void transport.close());
    options.signal.addEventListener('abort', () => void transport.close(), { once: true });
  });
  // The SDK drops a line that is not a valid JSON-RPC message (it cannot know which request to
  // answer) and reports it here with the whole validation dump; one short line is enough.
  transport.onerror = (error) => {
    const reason = error.message.replace(/\s+/g, ' ');
    options.logger.warn(`ignored a stdin line that is not a valid MCP message: ${reason.length > 160 ? reason.slice(0, 160) + '…' : reason}`);
  };
  await connect(transport);
  if (options.signal.aborted) await transport.close();
  await closed;
}
