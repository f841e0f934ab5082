/**
 * The stdio entry: the protocol on stdin/stdout, until the host closes stdin or the process
 * is told to stop. stdout carries only JSON-RPC; everything human goes to stderr.
 *
 * Two guards around the SDK's transport:
 * - stdin passes a line gate: a line longer than MAX_LINE_BYTES is dropped with a warning,
 *   never buffered. The SDK's own buffer gives up at 10 MiB by closing the session, so one
 *   oversized message would stop a host's server from answering anything after it.
 * - writes that meet a full stdout pipe share one wait for `drain`, instead of one listener
 *   per pending answer (a thousand concurrent calls set off MaxListenersExceededWarning).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';

/** Far above any message this server accepts (tool arguments are a few hundred bytes), well under the SDK's 10 MiB. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const NEWLINE = 0x0a;

/** Passes complete lines of at most `maxBytes`; a longer line is counted, discarded as it arrives, and reported once it ends. */
export function lineGate(maxBytes: number, onDropped: (bytes: number) => void): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropping = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(NEWLINE, start);
        const piece = chunk.subarray(start, end === -1 ? chunk.length : end + 1);
        pendingBytes += piece.length;
        if (!dropping && pendingBytes > maxBytes + 1) {
          dropping = true;
          pending = [];
        }
        if (!dropping) pending.push(piece);
        if (end === -1) break;
        if (dropping) onDropped(pendingBytes);
        else this.push(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
        dropping = false;
        start = end + 1;
      }
      done();
    },
  });
}

/** The SDK's transport, with every write that meets a full pipe waiting on one shared `drain`. */
class SharedDrainTransport extends StdioServerTransport {
  private drained: Promise<void> | undefined;

  constructor(
    stdin: NodeJS.ReadableStream & import('node:stream').Readable,
    private readonly out: NodeJS.WritableStream,
  ) {
    super(stdin, out as typeof process.stdout);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    if (this.out.write(serializeMessage(message))) return Promise.resolve();
    this.drained ??= new Promise((resolve) => this.out.once('drain', () => ((this.drained = undefined), resolve())));
    return this.drained;
  }
}

/** Serves `server` over this process's stdio; resolves once the connection is over. */
export function serveStdio(server: Server, options: { signal: AbortSignal; logger: Logger }): Promise<void> {
  return runStdio((transport) => server.connect(transport), options);
}

/**
 * This process's stdio as a transport, handed to `connect` (which starts it), with the line
 * gate and the shared drain; resolves once the host side is over (stdin ended, or `signal`).
 */
export async function runStdio(connect: (transport: Transport) => Promise<void>, options: { signal: AbortSignal; logger: Logger }): Promise<void> {
  const lines = process.stdin.pipe(
    lineGate(MAX_LINE_BYTES, (bytes) =>
      options.logger.warn(`ignored a stdin message of ${bytes} bytes: longer than the ${MAX_LINE_BYTES}-byte limit for one line`),
    ),
  );
  const transport = new SharedDrainTransport(lines, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      // The SDK pauses the stream it reads, which is now the gate: stdin itself must stop
      // flowing too, or its open pipe keeps the process alive after SIGTERM.
      process.stdin.unpipe(lines);
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
