/**
 * The fetch the Streamable HTTP client transport uses in remote mode: every request to the
 * remote MCP server carries the current access token, and a 401 or a 403
 * `insufficient_scope` is answered here (refresh, sign-in or step-up, then the same request
 * again), so the transport above never sees an authorization failure it cannot act on.
 *
 * Bounded like every other answer from outside, but shaped for streams: the status and
 * headers within HEADERS_TIMEOUT_MS, then the body as body.ts guards it (one message at most
 * MAX_MESSAGE_BYTES, a JSON answer within BODY_TIMEOUT_MS, nothing read while the host is
 * behind). Redirects are never followed here; the transport follows same-origin ones itself,
 * through this fetch.
 */
import { WhataloError } from '../errors.js';
import { seconds } from '../net/bounded.js';
import type { RemoteAuthorizer } from './authorizer.js';
import { type JSONRPCRequest, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { MAX_MESSAGE_BYTES, MAX_PENDING_BYTES, type PendingBudget, guardBody, pendingBudget } from './body.js';
import { bearerChallenge } from './protected-resource.js';
import { fetchFailure, remoteUnreachable } from './unreachable.js';

/** Sign-in or step-up attempts for one request (MCP: clients must bound scope step-up retries). */
export const MAX_AUTH_ATTEMPTS = 3;
/** A server that does not even start its answer in this long is not going to. */
export const HEADERS_TIMEOUT_MS = 60_000;
/** A JSON answer (not a stream) still unfinished this long after its headers is given up. */
export const BODY_TIMEOUT_MS = 60_000;

export interface RemoteFetchOptions {
  authorizer: RemoteAuthorizer;
  fetch?: typeof fetch;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Resolves when the host has taken what was written to it; undefined when it has (relay.ts's HostFlow). */
  hostReady?: () => Promise<void> | undefined;
  /** Told each time an answer or event passed its cap. */
  onCapped?: (reason: string) => void;
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

/** The requests each caller signal must end, behind one listener per signal. */
const followers = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * Makes `signal` abort `controller` too, until the returned function is called. The transport
 * passes one signal to every request of a session: one listener per request on it set off
 * MaxListenersExceededWarning after ten calls and stayed for good; this is one listener for
 * all of them, and each request leaves the set when it is over.
 */
function follow(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  let set = followers.get(signal);
  if (!set) {
    const created = new Set<AbortController>();
    set = created;
    followers.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const follower of created) follower.abort(signal.reason);
        created.clear();
      },
      { once: true },
    );
  }
  set.add(controller);
  return () => void set.delete(controller);
}

/**
 * Sends one request; the headers must arrive within the deadline, the caller's signal ends it
 * at once, and goes on ending it while the body is read, until the body is over.
 */
async function sendOnce(
  url: string,
  init: RequestInit,
  token: string | undefined,
  server: URL,
  options: RemoteFetchOptions,
  budget: PendingBudget,
): Promise<Response> {
  const headers = new Headers(init.headers);
  // The token goes to the configured server only, never to another origin a redirect names.
  if (token !== undefined && new URL(url).origin === server.origin) headers.set('authorization', `Bearer ${token}`);
  else headers.delete('authorization');
  const controller = new AbortController();
  const timeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const callerSignal = init.signal ?? undefined;
  const release = follow(callerSignal, controller);
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
    release();
    if (callerSignal?.aborted) throw error; // the transport closing or a cancelled request: not ours to explain
    throw fetchFailure(server, error, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
  if (!response.body) {
    release();
    return response;
  }
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const body = guardBody(response.body, {
    stream: /^text\/event-stream/i.test(response.headers.get('content-type') ?? ''),
    limit: MAX_MESSAGE_BYTES,
    what: `The MCP server at ${server.href}`,
    request: requestIn(init),
    deadlineMs: bodyTimeoutMs,
    late: () => remoteUnreachable(server, `did not finish its answer within ${seconds(bodyTimeoutMs)}`),
    abort: (reason) => controller.abort(reason),
    hostReady: options.hostReady,
    budget,
    onCapped: options.onCapped,
    onEnd: release,
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A fetch for StreamableHTTPClientTransport that authorizes every request to the remote server. */
export function remoteFetch(options: RemoteFetchOptions): typeof fetch {
  const { authorizer } = options;
  const server = authorizer.server;
  const budget = pendingBudget(MAX_PENDING_BYTES);
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    let token = await authorizer.currentToken();
    for (let attempt = 0; ; attempt++) {
      const response = await sendOnce(url, init, token, server, options, budget);
      if (response.status >= 500) {
        // Said here rather than by the transport, whose message would quote the server's body.
        await response.body?.cancel().catch(() => {});
        const retryAfter = Number(response.headers.get('retry-after') ?? '');
        const later = Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600 ? `; it asks to try again in ${retryAfter} s` : '';
        throw remoteUnreachable(server, `is unavailable (HTTP ${response.status}${later})`);
      }
      if (response.status !== 401 && response.status !== 403) {
        // Only the request that was refused, now served, proves a new token: a server may serve pings without looking at it.
        if (attempt > 0) authorizer.accepted(token);
        return response;
      }
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
