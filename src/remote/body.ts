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
 *   socket's buffers and waits, instead of the relay's memory;
 * - together: messages begun and not yet ended, across all bodies, hold at most
 *   MAX_PENDING_BYTES (past it, every body but the one whose message began first waits), so
 *   many giant events at once cost what a few do.
 *
 * An event is held here until its blank line and handed on whole: the SDK's parser never holds
 * part of one, and an event past the cap is dropped before it reaches the parser at all. An
 * event stream that answers a request and passes the cap ends with a failed answer to that
 * request, so the host's call is answered instead of waiting for ever.
 */
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { failedAnswer } from './relay.js';

/** One JSON-RPC message from the remote, as a JSON answer or one event: far above any honest one. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Bytes of unfinished messages across every body at once, before bodies wait their turn. */
export const MAX_PENDING_BYTES = 4 * MAX_MESSAGE_BYTES;

const LF = 0x0a;
const CR = 0x0d;

export interface Meter {
  /** Counts `chunk`; the index in it at which the message passes the limit, or -1 while it has not. */
  feed(chunk: Uint8Array): number;
  /** Bytes of the message begun and not yet ended. */
  pending(): number;
  /** In the chunk last fed: the index just past the last message that ended in it (before any cut), or -1. */
  ended(): number;
}

/** A JSON answer is one message: all of its bytes count. */
function answerMeter(limit: number): Meter {
  let total = 0;
  return {
    feed: (chunk) => ((total += chunk.byteLength) > limit ? 0 : -1),
    pending: () => total,
    ended: () => -1,
  };
}

/**
 * Counts the bytes of the current event across chunks (an event ends at a blank line; lines
 * end at CRLF, LF or CR, as the SSE grammar says).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function eventMeter(limit: number): Meter {
  let eventBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  /** The CR just counted ended an event: the LF that may follow belongs to it. */
  let crEndedEvent = false;
  let boundary = -1;
  const feed = (chunk: Uint8Array): number => {
    let start = 0;
    boundary = -1;
    let lf = chunk.indexOf(LF);
    let cr = chunk.indexOf(CR);
    while (start < chunk.length) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      // The LF of a CRLF split by the previous terminator: the same line end, not a blank line.
      if (afterCR && end === start && chunk[end] === LF) {
        if (crEndedEvent) boundary = end + 1;
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
      crEndedEvent = lineBytes === 0;
      if (crEndedEvent) {
        eventBytes = 0;
        boundary = end + 1;
      }
      lineBytes = 0;
      afterCR = chunk[end] === CR;
      start = end + 1;
    }
    return -1;
  };
  return { feed, pending: () => eventBytes, ended: () => boundary };
}

/**
 * The bytes of unfinished messages across all bodies. Past `limit`, a body waits unless its
 * message began first (or it has none begun): the oldest can always finish or hit its cap, so
 * the bodies take turns and never wait on each other for ever.
 */
export interface PendingBudget {
  /** Records what `body` holds now (0 once its message ended, or the body did). */
  hold(body: object, bytes: number): void;
  /** Resolves when `body` may read on; undefined when it may now. */
  turn(body: object): Promise<void> | undefined;
}

export function pendingBudget(limit: number): PendingBudget {
  /** In the order their messages began (a Map keeps insertion order). */
  const held = new Map<object, number>();
  let total = 0;
  let waiters: (() => void)[] = [];
  return {
    hold(body, bytes) {
      const before = held.get(body) ?? 0;
      if (bytes === 0) held.delete(body);
      else held.set(body, bytes);
      total += bytes - before;
      if (bytes < before && waiters.length > 0) {
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      }
    },
    turn(body) {
      if (total <= limit || !held.has(body) || held.keys().next().value === body) return undefined;
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** The failed answer to the request a stream was answering, as one event. */
function failedEvent(request: JSONRPCRequest, reason: string): Uint8Array {
  return new TextEncoder().encode(`event: message\ndata: ${JSON.stringify(failedAnswer(request, reason))}\n\n`);
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
  /** Shared by every body of the relay. */
  budget: PendingBudget;
  /** Told when a cap fired (figures, logs). */
  onCapped?: ((reason: string) => void) | undefined;
  /** Called once when the body is over, however it ended (read, failed, cancelled). */
  onEnd: () => void;
}

/** The body, read one chunk at a time as the transport asks for it, within `bounds`. */
export function guardBody(source: ReadableStream<Uint8Array>, bounds: BodyBounds): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const meter = bounds.stream ? eventMeter(bounds.limit) : answerMeter(bounds.limit);
  const self = {};
  let ended = false;
  // The deadline of a JSON answer stops while the host is behind: that wait is not the server's doing.
  let timer: NodeJS.Timeout | undefined;
  let left = bounds.deadlineMs;
  let armedAt = 0;
  let fail: (error: Error) => void = () => {};
  const expired = bounds.stream ? undefined : new Promise<never>((_resolve, reject) => (fail = reject));
  expired?.catch(() => {});
  const arm = () => {
    if (!expired || ended) return;
    armedAt = Date.now();
    timer = setTimeout(() => {
      const error = bounds.late();
      bounds.abort(error);
      fail(error);
    }, left);
  };
  const disarm = () => {
    if (!expired || timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    left = Math.max(0, left - (Date.now() - armedAt));
  };
  arm();
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    bounds.budget.hold(self, 0);
    bounds.onEnd();
  };
  /** The stream's event in progress: held here until it ends, so the SDK never buffers (or is left with) part of one. */
  let held: Uint8Array[] = [];
  /** Reads until something is handed on (or the body is over): a pull that hands nothing on is not called again. */
  async function pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      let hostWait = bounds.hostReady?.();
      if (hostWait) {
        disarm();
        for (; hostWait; hostWait = bounds.hostReady?.()) await hostWait;
        arm();
      }
      for (let wait = bounds.budget.turn(self); wait; wait = bounds.budget.turn(self)) await wait;
      const read = reader.read();
      // Raced as well as aborted: Node 20's fetch can lose an abort listener, and the deadline must hold anyway.
      const { value, done } = expired ? await Promise.race([read, expired]) : await read;
      if (done) {
        end();
        return controller.close(); // an event never ended is dropped, as the SSE grammar says
      }
      const cut = meter.feed(value);
      if (!bounds.stream) {
        if (cut === -1) return controller.enqueue(value);
        return capped(controller);
      }
      const boundary = meter.ended();
      let handed = false;
      if (boundary !== -1) {
        for (const part of held) controller.enqueue(part);
        held = [];
        if (boundary > 0) controller.enqueue(value.subarray(0, boundary));
        handed = true;
      }
      if (cut !== -1) return capped(controller);
      const rest = boundary === -1 ? value : value.subarray(boundary);
      if (rest.byteLength > 0) held.push(rest);
      bounds.budget.hold(self, meter.pending());
      if (handed) return;
    }
  }

  function capped(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const reason = `${bounds.what} sent ${bounds.stream ? 'an event' : 'an answer'} over ${bounds.limit} bytes; it was dropped`;
    bounds.onCapped?.(reason);
    held = [];
    end();
    void reader.cancel().catch(() => {});
    if (!bounds.stream) return controller.error(new Error(reason));
    // The request waits for an answer that will not come: the failed one ends the stream.
    if (bounds.request) controller.enqueue(failedEvent(bounds.request, reason));
    controller.close();
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          await pull(controller);
        } catch (error) {
          held = [];
          end();
          void reader.cancel().catch(() => {});
          controller.error(error);
        }
      },
      cancel(reason) {
        held = [];
        end();
        return reader.cancel(reason);
      },
    },
    // Read only when the transport reads: what waits for the host stays on the network.
    { highWaterMark: 0 },
  );
}
