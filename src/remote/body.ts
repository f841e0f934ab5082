/**
 * The body of an answer from the remote MCP server, as the transport above reads it, bounded
 * on every side an outsider controls:
 *
 * - size: one message at most MAX_MESSAGE_BYTES, whether it comes as a JSON answer or as one
 *   event of an event stream (the SDK joins every `data:` line of an event into one string,
 *   so a cap per line alone let one event of many lines take hundreds of MiB);
 * - time: a JSON answer must end within its deadline once its headers came (an event stream
 *   may rightly stay open for hours, and is bounded per event instead);
 * - pace: nothing more is read from the network while the host has not taken what was
 *   already written to it, so a remote that sends faster than the host reads fills the
 *   socket's buffers and waits, instead of the relay's memory.
 *
 * An event stream that answers a request and passes the cap ends with a failed answer to
 * that request, so the host's call is answered instead of waiting for ever.
 */
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { failedAnswer } from './relay.js';

/** One JSON-RPC message from the remote, as a JSON answer or one event: far above any honest one. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the current event across chunks (an event ends at a blank line; lines
 * end at CRLF, LF or CR, as the SSE grammar says) and returns the index in `chunk` at which
 * the event passes `limit`, or -1 while it has not.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function eventMeter(limit: number): (chunk: Uint8Array) => number {
  let eventBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  return (chunk) => {
    let start = 0;
    let lf = chunk.indexOf(LF);
    let cr = chunk.indexOf(CR);
    while (start < chunk.length) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      // The LF of a CRLF split by the previous terminator: the same line end, not a blank line.
      if (afterCR && end === start && chunk[end] === LF) {
        afterCR = false;
        start = end + 1;
        continue;
      }
      const stop = end === -1 ? chunk.length : end;
      const bytes = stop - start;
      eventBytes += bytes;
      lineBytes += bytes;
      if (eventBytes > limit) return stop - (eventBytes - limit);
      if (end === -1) {
        afterCR = false;
        break;
      }
      if (lineBytes === 0) eventBytes = 0;
      lineBytes = 0;
      afterCR = chunk[end] === CR;
      start = end + 1;
    }
    return -1;
  };
}

/**
 * What ends an event cut short without dispatching it as a message (the SDK skips an event
 * whose type is not `message`), then the failed answer the host is waiting for.
 */
function cutShort(request: JSONRPCRequest | undefined, reason: string): Uint8Array {
  const answer = request ? `event: message\ndata: ${JSON.stringify(failedAnswer(request, reason))}\n\n` : '';
  return new TextEncoder().encode(`\nevent: whatalo-mcp-dropped\n\n${answer}`);
}

export interface BodyBounds {
  /** An event stream (capped per event) or one JSON answer (capped in total, with a deadline). */
  stream: boolean;
  limit: number;
  /** Names the sender in messages: "The MCP server at https://…". */
  what: string;
  /** The request this body answers, if it answers one. */
  request: JSONRPCRequest | undefined;
  /** A JSON answer must have ended this long after its headers; it is then given up with `late()`. */
  deadlineMs: number;
  late: () => Error;
  /** Gives the network read up (the fetch's own abort), when the deadline passes. */
  abort: (reason: Error) => void;
  /** Resolves when the host can take more; undefined when it can now. */
  hostReady?: (() => Promise<void> | undefined) | undefined;
  /** Told when a cap fired (figures, logs). */
  onCapped?: ((reason: string) => void) | undefined;
  /** Called once when the body is over, however it ended (read, failed, cancelled). */
  onEnd: () => void;
}

/** The body, read one chunk at a time as the transport asks for it, within `bounds`. */
export function guardBody(source: ReadableStream<Uint8Array>, bounds: BodyBounds): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const meter = bounds.stream ? eventMeter(bounds.limit) : undefined;
  let total = 0;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let expired: Promise<never> | undefined;
  if (!bounds.stream) {
    expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = bounds.late();
        bounds.abort(error);
        reject(error);
      }, bounds.deadlineMs);
    });
    expired.catch(() => {});
  }
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    bounds.onEnd();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const waiting = bounds.hostReady?.();
          if (waiting) await waiting;
          const read = reader.read();
          // Raced as well as aborted: Node 20's fetch can lose an abort listener, and the deadline must hold anyway.
          const { value, done } = expired ? await Promise.race([read, expired]) : await read;
          if (done) {
            end();
            return controller.close();
          }
          const cut = meter ? meter(value) : (total += value.byteLength) > bounds.limit ? 0 : -1;
          if (cut === -1) return controller.enqueue(value);
          const reason = `${bounds.what} sent ${bounds.stream ? 'an event' : 'an answer'} over ${bounds.limit} bytes; it was dropped`;
          bounds.onCapped?.(reason);
          end();
          void reader.cancel().catch(() => {});
          if (!bounds.stream) return controller.error(new Error(reason));
          if (cut > 0) controller.enqueue(value.subarray(0, cut));
          controller.enqueue(cutShort(bounds.request, reason));
          controller.close();
        } catch (error) {
          end();
          void reader.cancel().catch(() => {});
          controller.error(error);
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    // Read only when the transport reads: what waits for the host stays on the network.
    { highWaterMark: 0 },
  );
}
