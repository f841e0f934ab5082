/**
 * Every answer from outside (API v1 and each authorization-server endpoint) is fetched and
 * read here, bounded twice:
 *
 * - by time: one deadline for the headers and the whole body, on a timer this module owns.
 *   Each wait is raced against it, so the deadline holds even when undici loses the abort
 *   listener of its own signal (Node 20 does, under garbage collection, with
 *   the "error" redirect mode or a signal from `AbortSignal.any`); the abort is still sent, to
 *   release the socket.
 *   requestBounded sets its deadline and its abort listener up only for a request that lasts
 *   (watch.ts): most API requests are over before either could matter.
 * - by size: the body is read as a stream and given up past `maxBytes`, so an endless or
 *   huge answer costs at most the cap in memory, never the process.
 *
 * Redirects are never followed (`redirect: 'manual'`, refused here): nothing this app calls
 * redirects by design, and following one would send the request, and its credentials,
 * somewhere nobody configured.
 *
 * `readBounded` gives the answer as bytes already in memory; `fetchBounded` wraps them in a
 * new `Response`, so callers that parse with `response.json()` (oauth4webapi above all) read
 * the capped copy, never the network. `requestBounded` does the same on `node:http` and gives
 * the bytes, for API v1's client: one request per tool call, where fetch's web objects
 * (Request, Headers, streams, Response) cost 130–200 µs of CPU per request on these machines
 * against 35–55 µs for `node:http` (a loopback echo, client and server in one process).
 */
import type http from 'node:http';
import { createRequire } from 'node:module';
import { urlToHttpOptions } from 'node:url';
import { watchRequest } from './watch.js';

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

/** The header lookup of an answer, as `Headers.get` does it (names in any case, repeats joined by ", "). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

/** A whole answer, read within its bounds: nothing of it is still on the network. */
export interface BoundedAnswer<H extends AnswerHeaders = AnswerHeaders> {
  status: number;
  statusText: string;
  headers: H;
  /** null for 204 and 205, which have no content by definition (RFC 9110 §15.3.5). */
  body: Buffer | null;
}

/** What the status line and Content-Length alone refuse: a redirect, or a body declared past the cap. */
function refusedHead(status: number, contentLength: string | null | undefined, bounds: AnswerBounds): RefusedAnswerError | undefined {
  if (status >= 300 && status < 400) {
    return new RefusedAnswerError('redirect', `the answer from ${bounds.what} was a redirect (HTTP ${status}), which this app does not follow`);
  }
  const declared = Number(contentLength ?? '');
  if (Number.isFinite(declared) && declared > bounds.maxBytes) return tooLarge(bounds);
  return undefined;
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

/** The answer fetchBounded wraps, read into memory within its bounds. */
async function readBounded(url: string | URL, init: RequestInit, bounds: AnswerBounds): Promise<BoundedAnswer<Headers>> {
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
    const refused = refusedHead(response.status, response.headers.get('content-length'), bounds);
    if (refused) throw refused;
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

/**
 * An origin for requestBounded, taken apart once (by `originOf`) so that each request is a
 * path on it: parsing a URL per request, and node:http taking it apart again, was ~2 µs of
 * a tool call's CPU at concurrency 1.
 */
export interface RequestOrigin {
  protocol: 'http:' | 'https:';
  /** Without the brackets of an IPv6 literal, as node:http wants it. */
  hostname: string;
  port: number | undefined;
  /** The Host header: with the brackets, and the port unless it is the scheme's default. */
  host: string;
}

/** `url`'s origin, taken apart as node:http itself does (urlToHttpOptions); a TypeError for a scheme this module does not send to. */
export function originOf(url: URL): RequestOrigin {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`cannot send a request to a ${url.protocol} URL`);
  const { hostname, port } = urlToHttpOptions(url);
  // URL.host is what node:http would send: the brackets kept, a default port already dropped.
  return { protocol: url.protocol, hostname: hostname ?? url.hostname, port: port === undefined ? undefined : Number(port), host: url.host };
}

/** What requestBounded sends: API v1 requests are a method, string headers and a JSON text. */
export interface PlainRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

interface Transport {
  agents: Record<string, http.Agent>;
  send: Record<string, typeof http.request>;
  decoders: Record<string, () => NodeJS.ReadWriteStream>;
}
let transport: Transport | undefined;

/**
 * node:http, node:https (with TLS) and node:zlib, loaded on the first request rather than at
 * start-up, where a host waiting for `initialize` would pay for them (about 7 ms here).
 */
function loadTransport(): Transport {
  if (transport) return transport;
  const load = createRequire(import.meta.url);
  const httpModule = load('node:http') as typeof import('node:http');
  const httpsModule = load('node:https') as typeof import('node:https');
  const zlib = load('node:zlib') as typeof import('node:zlib');
  // Kept-alive connections, as fetch keeps them. An idle one is closed after 4 s, before the
  // 5 s after which Node's HTTP server (and many others) close theirs: reusing a connection
  // the other side is closing at that moment fails the request.
  transport = {
    agents: { 'http:': new httpModule.Agent({ keepAlive: true, timeout: 4000 }), 'https:': new httpsModule.Agent({ keepAlive: true, timeout: 4000 }) },
    send: { 'http:': httpModule.request, 'https:': httpsModule.request },
    decoders: {
      gzip: () => zlib.createGunzip(),
      'x-gzip': () => zlib.createGunzip(),
      deflate: () => zlib.createInflate(),
      br: () => zlib.createBrotliDecompress(),
    },
  };
  return transport;
}

/**
 * An answer's header lookup, read from its raw lines. Node builds `response.headers` on first
 * use, every name lower-cased and sorted into its known fields: ~2-4 µs of a tool call at
 * concurrency 1 (bench/ab-builds.mjs), for the three or four headers this app reads.
 */
function rawHeaderLookup(raw: readonly string[]): AnswerHeaders {
  return {
    get(name) {
      const wanted = name.toLowerCase();
      let value: string | null = null;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const line = raw[i]!;
        if (line.length === wanted.length && line.toLowerCase() === wanted) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]}`;
      }
      return value;
    },
  };
}

/**
 * readBounded's contract on `node:http`: the same deadline over headers and body, the same
 * cap (on the decoded bytes: a small compressed answer cannot inflate past it), no redirect,
 * and the same errors — a `TimeoutError` or `AbortError` DOMException, a RefusedAnswerError,
 * and for a network failure a TypeError whose `cause` carries the code (ECONNREFUSED …),
 * as fetch rejects. Content codings are asked for and decoded as fetch does.
 */
export function requestBounded(origin: RequestOrigin, path: string, init: PlainRequest, bounds: AnswerBounds): Promise<BoundedAnswer> {
  const { agents, send, decoders } = loadTransport();
  const { protocol, hostname, port } = origin;
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise<BoundedAnswer>((resolve, reject) => {
    const cancelled = () => new DOMException('The request was cancelled.', 'AbortError');
    // Cancelled before it started: nothing is sent.
    if (bounds.signal?.aborted) return reject(cancelled());
    let settled = false;
    const finish = (error: unknown, answer?: BoundedAnswer) => {
      if (settled) return;
      settled = true;
      stopWatching();
      if (answer) return resolve(answer);
      // Whatever was not read is not wanted: the connection goes, and the drip with it.
      request.destroy();
      reject(error);
    };
    const stopWatching = watchRequest(
      bounds.timeoutMs,
      bounds.signal,
      () => finish(new DOMException(`no answer within ${seconds(bounds.timeoutMs)}`, 'TimeoutError')),
      () => finish(cancelled()),
    );
    // A flat list goes to node:http as it is, checked once as it is written; an object is copied
    // through setHeader name by name (~1 µs of a tool call at concurrency 1, bench/ab-builds.mjs),
    // and with a list the Host header is the caller's to send.
    const headers = ['host', origin.host, 'accept-encoding', 'gzip, deflate, br'];
    for (const name in init.headers) headers.push(name, init.headers[name]!);
    if (body) headers.push('content-length', String(body.length));
    let request: http.ClientRequest;
    try {
      request = send[protocol]!({ protocol, hostname, port, path, method: init.method, headers, agent: agents[protocol] }, onResponse);
    } catch (error) {
      // A header value Node refuses (a control character in a token from a broken store), or
      // a path with an unescaped character (the client encodes every id, so: a bug of ours).
      stopWatching();
      return reject(new TypeError('the request could not be sent', { cause: error }));
    }
    function onResponse(response: http.IncomingMessage): void {
      const status = response.statusCode ?? 0;
      const answerHeaders = rawHeaderLookup(response.rawHeaders);
      const refused = refusedHead(status, answerHeaders.get('content-length'), bounds);
      if (refused) return finish(refused);
      const coding = answerHeaders.get('content-encoding')?.trim().toLowerCase();
      const decoder = coding && coding !== 'identity' ? decoders[coding] : undefined;
      if (coding && coding !== 'identity' && !decoder) {
        return finish(new TypeError(`the answer from ${bounds.what} has a content coding this app cannot read`, { cause: { code: 'UNSUPPORTED_ENCODING' } }));
      }
      const stream: NodeJS.ReadableStream = decoder ? response.pipe(decoder()) : response;
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > bounds.maxBytes) return finish(tooLarge(bounds));
        chunks.push(chunk);
      });
      stream.on('end', () => {
        const empty = status === 204 || status === 205;
        finish(undefined, {
          status,
          statusText: response.statusMessage ?? '',
          headers: answerHeaders,
          body: empty ? null : Buffer.concat(chunks, total),
        });
      });
      stream.on('error', (error: Error) => finish(new TypeError('the answer could not be read', { cause: error })));
      response.on('close', () => {
        if (!response.complete) finish(new TypeError('the connection closed before the answer was complete', { cause: { code: 'UND_ERR_SOCKET' } }));
      });
    }
    request.on('error', (error) => finish(new TypeError('the request failed', { cause: error })));
    request.end(body);
  });
}
