/**
 * The fetch the Streamable HTTP client transport uses in remote mode: every request to the
 * remote MCP server carries the current access token, and a 401 or a 403
 * `insufficient_scope` is answered here (refresh, sign-in or step-up, then the same request
 * again), so the transport above never sees an authorization failure it cannot act on.
 *
 * Bounded like every other answer from outside, but shaped for streams: the status and
 * headers within HEADERS_TIMEOUT_MS, a JSON body within MAX_JSON_BYTES, and an event stream
 * (which may rightly stay open for hours) in lines of at most MAX_LINE_BYTES. Redirects are
 * never followed here; the transport follows same-origin ones itself, through this fetch.
 */
import { WhataloError } from '../errors.js';
import { seconds } from '../net/bounded.js';
import type { RemoteAuthorizer } from './authorizer.js';
import { type JSONRPCRequest, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { bearerChallenge } from './protected-resource.js';
import { failedAnswer } from './relay.js';
import { fetchFailure, remoteUnreachable } from './unreachable.js';

/** Sign-in or step-up attempts for one request (MCP: clients must bound scope step-up retries). */
export const MAX_AUTH_ATTEMPTS = 3;
/** A server that does not even start its answer in this long is not going to. */
export const HEADERS_TIMEOUT_MS = 60_000;
/** A JSON-RPC answer far above any honest one (the stdio side drops lines past 4 MiB anyway). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** One SSE line (one event's data) at most this long; the stdio side cannot carry more. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface RemoteFetchOptions {
  authorizer: RemoteAuthorizer;
  fetch?: typeof fetch;
  headersTimeoutMs?: number;
}

/**
 * Passes the body on, failing it once it passes its cap: in total (JSON), or per line (an
 * event stream). An event stream that answers `request` ends instead with an error answer to
 * it: a failed stream alone would leave the host's request waiting for ever.
 */
function capped(
  body: ReadableStream<Uint8Array>,
  limit: number,
  perLine: boolean,
  what: string,
  request: JSONRPCRequest | undefined,
): ReadableStream<Uint8Array> {
  let count = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        // Per line: every line of the chunk counts, the one continued from the last chunk included.
        let start = 0;
        for (;;) {
          const newline = perLine ? chunk.indexOf(0x0a, start) : -1;
          count += (newline === -1 ? chunk.byteLength : newline) - start;
          if (count > limit) {
            const reason = `${what} sent ${perLine ? 'an event line' : 'an answer'} over ${limit} bytes; it was dropped`;
            if (!perLine || !request) return controller.error(new Error(reason));
            // A blank line ends whatever event was cut short; then the answer the host waits for.
            controller.enqueue(new TextEncoder().encode(`\n\nevent: message\ndata: ${JSON.stringify(failedAnswer(request, reason))}\n\n`));
            return controller.terminate();
          }
          if (newline === -1) break;
          count = 0;
          start = newline + 1;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** The JSON-RPC request a POST carries, if it carries one. */
function requestIn(init: RequestInit): JSONRPCRequest | undefined {
  if (typeof init.body !== 'string') return undefined;
  try {
    const message: unknown = JSON.parse(init.body);
    return isJSONRPCRequest(message) ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Sends one request; the headers must arrive within the deadline, the caller's signal ends it at once. */
async function sendOnce(url: string, init: RequestInit, token: string | undefined, server: URL, options: RemoteFetchOptions): Promise<Response> {
  const headers = new Headers(init.headers);
  // The token goes to the configured server only, never to another origin a redirect names.
  if (token !== undefined && new URL(url).origin === server.origin) headers.set('authorization', `Bearer ${token}`);
  else headers.delete('authorization');
  const controller = new AbortController();
  const timeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const callerSignal = init.signal ?? undefined;
  const onAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  // Raced as well as aborted: Node 20's fetch can lose an abort listener, and the deadline must hold anyway.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DOMException(`no answer within ${seconds(timeoutMs)}`, 'TimeoutError');
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  deadline.catch(() => {});
  let response: Response;
  try {
    response = await Promise.race([(options.fetch ?? fetch)(url, { ...init, headers, signal: controller.signal, redirect: 'manual' }), deadline]);
  } catch (error) {
    if (callerSignal?.aborted) throw error; // the transport closing or a cancelled request: not ours to explain
    throw fetchFailure(server, error, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
  // The connection stays the caller's until the body ends; its signal must still end it.
  if (!response.body) return response;
  const type = response.headers.get('content-type') ?? '';
  const stream = /^text\/event-stream/i.test(type);
  const body = capped(response.body, stream ? MAX_LINE_BYTES : MAX_JSON_BYTES, stream, `The MCP server at ${server.href}`, requestIn(init));
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A fetch for StreamableHTTPClientTransport that authorizes every request to the remote server. */
export function remoteFetch(options: RemoteFetchOptions): typeof fetch {
  const { authorizer } = options;
  const server = authorizer.server;
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    let token = await authorizer.currentToken();
    for (let attempt = 0; ; attempt++) {
      const response = await sendOnce(url, init, token, server, options);
      if (response.status >= 500) {
        // Said here rather than by the transport, whose message would quote the server's body.
        await response.body?.cancel().catch(() => {});
        const retryAfter = Number(response.headers.get('retry-after') ?? '');
        const later = Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600 ? `; it asks to try again in ${retryAfter} s` : '';
        throw remoteUnreachable(server, `is unavailable (HTTP ${response.status}${later})`);
      }
      if (response.status !== 401 && response.status !== 403) return response;
      // Ending the session on the way out must never open a browser: a refused DELETE is left as it is.
      if (init.method === 'DELETE') return response;
      const challenge = await bearerChallenge(response);
      if (response.status === 403 && challenge.error !== 'insufficient_scope') return response;
      await response.body?.cancel().catch(() => {});
      if (attempt >= MAX_AUTH_ATTEMPTS) {
        throw response.status === 401
          ? new WhataloError('AUTH_REQUIRED', `The MCP server at ${server.href} still refuses the access token after ${MAX_AUTH_ATTEMPTS} sign-in attempts.`, {
              hint: `Run \`whatalo-mcp logout --remote ${server.href}\`, then try again.`,
            })
          : new WhataloError(
              'INSUFFICIENT_SCOPE',
              `The MCP server at ${server.href} still asks for more access (${challenge.scope ?? 'no scope named'}) after ` +
                `${MAX_AUTH_ATTEMPTS} sign-ins; giving up on this request.`,
              { hint: 'The grant may not include what the server needs; ask the server operator which permission this needs.' },
            );
      }
      token = response.status === 401 ? await authorizer.onUnauthorized(challenge, token) : await authorizer.onInsufficientScope(challenge, token);
    }
  };
}
