/**
 * Every answer from outside (API v1 and each authorization-server endpoint) is fetched and
 * read here, bounded twice:
 *
 * - by time: one deadline for the headers and the whole body, on a timer this module owns.
 *   Each wait is raced against it, so the deadline holds even when undici loses the abort
 *   listener of its own signal (Node 20 does, under garbage collection, with
 *   the "error" redirect mode or a signal from `AbortSignal.any`); the abort is still sent, to
 *   release the socket.
 * - by size: the body is read as a stream and given up past `maxBytes`, so an endless or
 *   huge answer costs at most the cap in memory, never the process.
 *
 * Redirects are never followed (`redirect: 'manual'`, refused here): nothing this app calls
 * redirects by design, and following one would send the request, and its credentials,
 * somewhere nobody configured.
 *
 * `readBounded` gives the answer as bytes already in memory (what API v1's client reads);
 * `fetchBounded` wraps them in a new `Response`, so callers that parse with
 * `response.json()` (oauth4webapi above all) read the capped copy, never the network.
 */

/** API v1 pages are at most 100 items; 8 MiB is far above any honest answer. */
export const API_MAX_BYTES = 8 * 1024 * 1024;
/** Metadata, registration, token, introspection and revocation answers are a few hundred bytes. */
export const AS_MAX_BYTES = 64 * 1024;

export interface AnswerBounds {
  /** Names the other side in messages, e.g. "Whatalo's API (GET /products)". Never a secret. */
  what: string;
  maxBytes: number;
  timeoutMs: number;
  /** The caller giving up; ends the wait at once with an AbortError. */
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch | undefined;
}

/** Why an answer was not accepted; `kind` is stable for callers that map it to their own errors. */
export class RefusedAnswerError extends Error {
  override readonly name = 'RefusedAnswerError';
  constructor(
    readonly kind: 'too_large' | 'redirect',
    message: string,
  ) {
    super(message);
  }
}

export function isRefusedAnswer(error: unknown, kind?: RefusedAnswerError['kind']): error is RefusedAnswerError {
  return error instanceof RefusedAnswerError && (kind === undefined || error.kind === kind);
}

function tooLarge(bounds: AnswerBounds): RefusedAnswerError {
  return new RefusedAnswerError('too_large', `the answer from ${bounds.what} exceeded ${bounds.maxBytes} bytes`);
}

/** Whole seconds for messages; a sub-second bound (tests) still reads as a number. */
export function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** A whole answer, read within its bounds: nothing of it is still on the network. */
export interface BoundedAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  /** null for 204 and 205, which have no content by definition (RFC 9110 §15.3.5). */
  body: Buffer | null;
}

/**
 * Sends one request and reads its whole answer within `bounds`. Rejects with a
 * `TimeoutError` DOMException past the deadline, an `AbortError` when the caller aborts, a
 * RefusedAnswerError for a 3xx or a body past the cap, and fetch's own TypeError when the
 * network fails.
 */
export async function fetchBounded(url: string | URL, init: RequestInit, bounds: AnswerBounds): Promise<Response> {
  const answer = await readBounded(url, init, bounds);
  return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

/** fetchBounded without the new `Response`: for a caller that reads the bytes itself, which spares a stream per request. */
export async function readBounded(url: string | URL, init: RequestInit, bounds: AnswerBounds): Promise<BoundedAnswer> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    const stop = (reason: DOMException) => {
      controller.abort(reason);
      reject(reason);
    };
    timer = setTimeout(() => stop(new DOMException(`no answer within ${seconds(bounds.timeoutMs)}`, 'TimeoutError')), bounds.timeoutMs);
    onAbort = () => stop(new DOMException('The request was cancelled.', 'AbortError'));
    if (bounds.signal?.aborted) onAbort();
    else bounds.signal?.addEventListener('abort', onAbort, { once: true });
  });
  // Every await below races `stopped`; when nothing is waiting on it any more it must not
  // surface as an unhandled rejection.
  stopped.catch(() => {});
  let response: Response | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let complete = false;
  try {
    response = await Promise.race([(bounds.fetch ?? fetch)(url, { ...init, signal: controller.signal, redirect: 'manual' }), stopped]);
    if (response.status >= 300 && response.status < 400) {
      throw new RefusedAnswerError('redirect', `the answer from ${bounds.what} was a redirect (HTTP ${response.status}), which this app does not follow`);
    }
    const declared = Number(response.headers.get('content-length') ?? '');
    if (Number.isFinite(declared) && declared > bounds.maxBytes) throw tooLarge(bounds);
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (response.body) {
      reader = response.body.getReader();
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), stopped]);
        if (done) break;
        total += value.byteLength;
        if (total > bounds.maxBytes) throw tooLarge(bounds);
        chunks.push(value);
      }
      reader = undefined;
    }
    const empty = response.status === 204 || response.status === 205;
    complete = true;
    return { status: response.status, statusText: response.statusText, headers: response.headers, body: empty ? null : Buffer.concat(chunks, total) };
  } finally {
    clearTimeout(timer);
    if (onAbort) bounds.signal?.removeEventListener('abort', onAbort);
    // A complete answer has nothing left to release; aborting it anyway made a DOMException
    // and an abort dispatch per request (a visible share of the stdio profile).
    if (!complete) controller.abort();
    // Whatever was not read is not wanted: cancelling the stream closes the connection even
    // when the abort above went unheard, so a drip or an endless body stops flowing in.
    if (reader) void reader.cancel().catch(() => {});
    else if (response?.body && !response.bodyUsed) void response.body.cancel().catch(() => {});
  }
}
