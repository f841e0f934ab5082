/**
 * The sandbox's API v1 chain: Bearer authentication, a rate limit and per-scope
 * authorization in front of every API endpoint (the `api` rows of routes.ts).
 *
 * The router (server.ts) resolves the row and calls this chain for every path under /api/v1.
 * Order of checks for each request: route (404/405) → Bearer token (401) → rate limit (429)
 * → scope (403 INSUFFICIENT_SCOPE) → the row's handler (which may answer 403
 * FEATURE_ACCESS_DENIED for the store's plan). The token alone selects the store (V1: no
 * store header is documented); ids of any other store are 404.
 *
 * @see ../../../shared/spec/CONTRACT.md V1–V4; RFC 6750 §2.1, §3
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { SandboxData } from './data.js';
import { apiError, asApiError, errorBody } from './api/errors.js';
import { HttpError, readJson, sendJson } from './http.js';
import type { ApiRoute, Match } from './routes.js';
import { API_PREFIX } from './context.js';
import { findToken, isActive, type SandboxState } from './state.js';

/** What a valid access token stands for. */
export interface TokenGrant {
  scopes: string[];
  storeId: string;
  merchant: string;
  clientId: string;
}

/**
 * The grant behind an API v1 access token, or null when it is unknown, not an access token,
 * inactive, or issued for another resource. `apiResource` is the API's resource identifier:
 * its origin (CONTRACT A15, AC1), not the /v1 base. A token with no audience was asked for
 * without `resource` and is accepted, as Whatalo's examples imply.
 */
export function grantForToken(state: SandboxState, token: string, apiResource: string): TokenGrant | null {
  const record = findToken(state, token);
  if (!record || record.kind !== 'access' || !isActive(state, record)) return null;
  // A token issued for another server (an MCP server's own) is not for the API: a resource
  // server that forwards the tokens it receives is caught here.
  if (record.aud !== undefined && record.aud !== apiResource) return null;
  const grant = state.grants.get(record.grantId);
  if (!grant) return null;
  return { scopes: [...record.scope], storeId: grant.storeId, merchant: grant.merchant, clientId: record.clientId };
}
export interface ApiDeps {
  data: SandboxData;
  /** The grant behind an access token, or null when it is unknown, expired or revoked. */
  authenticate(token: string): TokenGrant | null;
  /** The sandbox clock, in ms. */
  now(): number;
  /** Stats hook, called once per request with e.g. 'GET /api/v1/products/:id'. */
  count(key: string): void;
  rateLimit: { limit: number; windowSeconds: number };
  logger: Logger;
}

const REALM = 'Bearer realm="whatalo"';
// RFC 6750 §2.1: b64token, after the scheme and one or more spaces.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Reads the Bearer token from the Authorization header only (RFC 6750 §2.1). */
function bearerToken(req: IncomingMessage, url: URL): string {
  // RFC 6750 §2.3 (URI query) is not supported: a token in a URL ends up in logs and histories.
  if (url.searchParams.has('access_token')) {
    throw apiError(
      401,
      'UNAUTHORIZED',
      'send the access token in the Authorization header; tokens in the URL are refused',
      {},
      {
        'www-authenticate': `${REALM}, error="invalid_request", error_description="token must be sent in the Authorization header"`,
      },
    );
  }
  const header = req.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (header === undefined || (match === null && !/^bearer(\s|$)/i.test(header))) {
    // RFC 6750 §3.1: with no authentication attempted, the challenge carries no error code.
    throw apiError(401, 'UNAUTHORIZED', 'an access token is required: send Authorization: Bearer <token>', {}, { 'www-authenticate': REALM });
  }
  if (match === null) throw invalidToken();
  return match[1]!;
}

function invalidToken(): HttpError {
  return apiError(401, 'INVALID_TOKEN', 'the access token is invalid, expired or revoked', {}, { 'www-authenticate': `${REALM}, error="invalid_token"` });
}

interface Window {
  start: number;
  used: number;
}

/**
 * Fixed windows aligned on the sandbox clock, counted per app installation (client,
 * merchant, store) rather than per token: signing in again must not buy a fresh budget.
 * `X-RateLimit-Reset` is the Unix time (seconds) at which the window ends (CONTRACT V4), read
 * on the sandbox clock: a test that moves that clock (/sandbox/clock) moves the reset too.
 * `Retry-After` on a 429 is in seconds from now.
 */
function createRateLimiter(deps: ApiDeps) {
  const windows = new Map<string, Window>();
  const windowMs = deps.rateLimit.windowSeconds * 1000;
  const limit = deps.rateLimit.limit;
  const current = () => Math.floor(deps.now() / windowMs) * windowMs;
  const resetAt = (start: number) => String(Math.ceil((start + windowMs) / 1000));
  const waitSeconds = (start: number) => Math.max(1, Math.ceil((start + windowMs - deps.now()) / 1000));
  return {
    /** Headers for an answer that was not counted (no token, or no route). */
    idle(): Record<string, string> {
      return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(limit), 'x-ratelimit-reset': resetAt(current()) };
    },
    /** Counts one request for `key`; returns its headers, or throws 429 past the limit. */
    take(key: string): Record<string, string> {
      const start = current();
      let window = windows.get(key);
      if (!window || window.start !== start) {
        window = { start, used: 0 };
        windows.set(key, window);
      }
      const headers = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetAt(start) };
      if (window.used >= limit) {
        const wait = waitSeconds(start);
        throw apiError(
          429,
          'RATE_LIMITED',
          `rate limit of ${limit} requests per ${deps.rateLimit.windowSeconds} s reached; retry in ${wait} s`,
          { retry_after: wait },
          {
            ...headers,
            'retry-after': String(wait),
          },
        );
      }
      window.used++;
      return { ...headers, 'x-ratelimit-remaining': String(limit - window.used) };
    },
  };
}

/** The API v1 chain, called by the router with the request's match among the API rows. */
export type ApiChain = (req: IncomingMessage, res: ServerResponse, url: URL, match: Match<ApiRoute>) => Promise<void>;

/**
 * Builds the API v1 chain. A failure, the router's 404/405 included, leaves as an HttpError
 * already in API v1's nested shape with the rate-limit headers, for the router to send.
 */
export function createApiHandler(deps: ApiDeps): ApiChain {
  const limiter = createRateLimiter(deps);

  return async (req, res, url, match) => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    const method = req.method ?? 'GET';
    let rateHeaders = limiter.idle();
    // Counted whatever the answer, 401s included; a 405 under the pattern it missed by method.
    const key = `${method} ${match.pattern ?? `${API_PREFIX}(no route)`}`;
    let status = 500;
    try {
      deps.count(key);
      if (!match.route) throw match.miss;
      const route = match.route;

      const grant = deps.authenticate(bearerToken(req, url));
      if (!grant) throw invalidToken();
      rateHeaders = limiter.take(`${grant.clientId} ${grant.merchant} ${grant.storeId}`);

      if (!grant.scopes.includes(route.scope)) {
        throw apiError(
          403,
          'INSUFFICIENT_SCOPE',
          `this call needs the ${route.scope} scope, which the token was not granted`,
          { required_scope: route.scope },
          { 'www-authenticate': `Bearer error="insufficient_scope", scope="${route.scope}"` },
        );
      }
      const store = deps.data.byStore.get(grant.storeId);
      // A token for a store the sandbox does not hold cannot be honoured: fail closed.
      if (!store) throw invalidToken();

      const answer = await route.handle({
        req,
        url,
        params: match.params,
        data: deps.data,
        store,
        nowIso: () => new Date(deps.now()).toISOString(),
        nowMs: () => deps.now(),
        json: () => readJson(req),
      });
      status = answer.status ?? 200;
      sendJson(res, status, answer.body, { 'x-request-id': requestId, 'cache-control': 'no-store', ...rateHeaders });
    } catch (error) {
      if (res.headersSent) {
        // The answer was already under way; a second one cannot be sent, only recorded.
        deps.logger.error('API v1 answer failed after its headers were sent', { requestId, route: key, error });
        return;
      }
      let failure: HttpError;
      if (error instanceof HttpError) {
        failure = asApiError(error);
      } else {
        deps.logger.error('API v1 handler failed', { requestId, route: key, error });
        failure = new HttpError(500, errorBody('INTERNAL_ERROR', 'the sandbox failed to answer this request; see its log'));
      }
      status = failure.status;
      // Thrown on to the router's one error handler (server.ts). Headers of the failure
      // (e.g. Retry-After, X-RateLimit-* of a 429) override the defaults.
      throw new HttpError(status, failure.body, { 'x-request-id': requestId, 'cache-control': 'no-store', ...rateHeaders, ...failure.headers });
    } finally {
      deps.logger.debug(`api ${key} → ${status}`, { requestId });
    }
  };
}
