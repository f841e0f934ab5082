/**
 * The one seam to oauth4webapi: the options every request carries (the loopback-only
 * insecure switch, a per-request timeout, an injectable fetch) and the ONE mapping of its
 * errors to WhataloError. Every protocol step calls `oauthFailure` in its catch, so a
 * refused grant, a dead client or an unreachable server reads the same everywhere.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from '../config.js';
import { type ErrorCode, type ErrorDetailsByCode, SIGN_IN_HINT, type SignedOutDetails, WhataloError, isWhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import { AS_MAX_BYTES, fetchBounded, isRefusedAnswer } from '../net/bounded.js';

/** A slow authorization server must not hold a tool call forever. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface HttpDeps {
  /** Replaces global fetch (tests, tracing). */
  fetch?: typeof fetch;
  /** Aborts the request when the caller gives up. */
  signal?: AbortSignal;
  /** Replaces REQUEST_TIMEOUT_MS (tests of the deadline itself). */
  timeoutMs?: number;
}

/** Fits every oauth4webapi request function (they differ only in method and body type). */
export type RequestOptions = oauth.HttpRequestOptions<any, any>;

/** The protocol steps, as named in messages. */
export type OAuthStep = 'discovery' | 'registration' | 'authorization' | 'code' | 'refresh' | 'introspection' | 'revocation';

const DOING: Record<OAuthStep, string> = {
  discovery: 'reading its metadata',
  registration: 'registering this app',
  authorization: 'signing in',
  code: 'exchanging the sign-in code for tokens',
  refresh: 'refreshing the access token',
  introspection: 'checking the access token',
  revocation: 'revoking tokens',
};

/**
 * Request options for an endpoint of `issuer`. Plain http is allowed only when the issuer is
 * a loopback host (the sandbox); config.ts already refuses anything else, this re-checks so
 * the insecure switch can never be reached from a remote issuer.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3
 */
export function requestOptions(issuer: URL, deps: HttpDeps = {}): RequestOptions {
  const options: RequestOptions = {};
  if (issuer.protocol === 'http:') {
    if (!isLoopbackHost(issuer.hostname)) {
      throw new WhataloError('CONFIG_INVALID', `the issuer ${issuer.origin} uses plain http on a host that is not loopback`);
    }
    options[oauth.allowInsecureRequests] = true;
  }
  // Every request goes through fetchBounded, which owns the deadline (headers and body) and
  // the size cap; oauth4webapi then parses the capped copy. Its own `signal` option is not
  // used: an AbortSignal.any/timeout signal can be collected before it fires on Node 20.
  options[oauth.customFetch] = (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
    fetchBounded(url, init as RequestInit, {
      what: endpointName(url),
      maxBytes: AS_MAX_BYTES,
      timeoutMs: deps.timeoutMs ?? REQUEST_TIMEOUT_MS,
      signal: deps.signal,
      fetch: deps.fetch,
    });
  return options;
}

/** An endpoint as named in messages: origin and path, never its query. */
function endpointName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** The client authentication methods this app can use (RFC 7591 §2 names). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

export function isClientAuthMethod(value: unknown): value is ClientAuthMethod {
  return typeof value === 'string' && (CLIENT_AUTH_METHODS as readonly string[]).includes(value);
}

/** Who this app is at the AS: the id, the secret (null for a public client) and how it presents it. */
export interface ClientCredentials {
  client_id: string;
  client_secret: string | null;
  token_endpoint_auth_method: ClientAuthMethod;
}

/**
 * Client authentication at the token, introspection and revocation endpoints, by the method
 * the registration settled on: one method for all three, as RFC 7662 §2.1 and RFC 7009 §2.1
 * reuse the token endpoint's.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientAuth(client: ClientCredentials): oauth.ClientAuth {
  if (client.token_endpoint_auth_method === 'none') return oauth.None();
  if (client.client_secret === null) {
    throw new WhataloError(
      'CREDENTIAL_STORE',
      `The client ${client.client_id} authenticates with ${client.token_endpoint_auth_method} but no client secret is stored.`,
      {
        hint: SIGN_IN_HINT,
      },
    );
  }
  return client.token_endpoint_auth_method === 'client_secret_post' ? oauth.ClientSecretPost(client.client_secret) : clientSecretBasic(client.client_secret);
}

/** One value as application/x-www-form-urlencoded writes it (WHATWG URL §5.2: `*-._` and alphanumerics stay as they are, space is `+`). */
function formEncoded(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * HTTP Basic client authentication: client_id and secret each form-urlencoded, joined by a
 * colon, in base64 (RFC 6749 §2.3.1, Appendix B). oauth4webapi's own helper also
 * percent-encodes `-`, `_`, `.` and `~`, which a correct decoder undoes but many servers never
 * decode: an id such as `pre-registered-client` then reaches them as `pre%2Dregistered%2Dclient`
 * and is refused. The standard serializer leaves those characters alone, so both kinds of
 * server read the same id.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretBasic(secret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = Buffer.from(`${formEncoded(client.client_id)}:${formEncoded(secret)}`).toString('base64');
    headers.set('authorization', `Basic ${credentials}`);
  };
}

/** The OAuth error code behind a mapped error (`invalid_grant`, `invalid_client`, …), if any. */
export function oauthErrorOf(error: unknown): string | undefined {
  if (!isWhataloError(error)) return undefined;
  const details = error.details;
  return details && 'oauth_error' in details && typeof details.oauth_error === 'string' ? details.oauth_error : undefined;
}

/** True when the AS no longer knows this client (expired or deleted registration, RFC 7591 §3.2.1). */
export function isInvalidClient(error: unknown): boolean {
  return oauthErrorOf(error) === 'invalid_client';
}

function fail<C extends ErrorCode>(code: C, message: string, cause: unknown, details?: ErrorDetailsByCode[C], hint?: string): WhataloError<C> {
  return new WhataloError(code, message, { cause, ...(details ? { details } : {}), ...(hint ? { hint } : {}) });
}

const TRANSIENT = new Set(['temporarily_unavailable', 'server_error']);

/** The HTTP answer behind an oauth4webapi error, when it kept one. */
function responseOf(error: unknown): Response | undefined {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError) return error.response;
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response) return error.cause;
  return undefined;
}

/** True when the AS answered 429 (CONTRACT A5, A8: `rate_limit_exceeded`). */
function isRateLimited(error: unknown): boolean {
  return responseOf(error)?.status === 429;
}

/** Retry-After in seconds (delta-seconds or an HTTP date, RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterSeconds(error: unknown, nowMs = Date.now()): number | undefined {
  const value = responseOf(error)?.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d{1,9}$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** A wait as a person reads it: seconds under two minutes, else minutes (rounded up). */
export function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The longest Retry-After the token endpoint is waited for, once, before the 429 is reported (CONTRACT B6). */
export const TOKEN_RATE_LIMIT_MAX_WAIT_SECONDS = 30;

/**
 * Runs one token-endpoint request (the request and the processing of its answer); after a
 * 429 waits for its Retry-After once, when that is at most `maxWaitSeconds`, and runs it
 * again. Anything else, and a second 429, is thrown as it came (oauthFailure then names the
 * wait). Whatalo's limits are per minute (A8), so one short wait usually suffices, and a
 * bound keeps a tool call from hanging on a longer one.
 */
export async function waitOnceIfRateLimited<T>(request: () => Promise<T>, options: { signal?: AbortSignal; maxWaitSeconds?: number } = {}): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    const wait = retryAfterSeconds(error) ?? 1;
    if (wait > (options.maxWaitSeconds ?? TOKEN_RATE_LIMIT_MAX_WAIT_SECONDS)) throw error;
    await sleep(wait * 1000, undefined, options.signal ? { signal: options.signal } : {});
    return request();
  }
}

/** The 429 of any step, with the wait the AS asked for. */
function rateLimitFailure(error: unknown, step: OAuthStep, at: string): WhataloError {
  const wait = retryAfterSeconds(error);
  const when = wait === undefined ? 'later' : `in ${formatWait(wait)}`;
  const what =
    step === 'registration'
      ? `Whatalo at ${at} refused to register this app now: too many registrations from this network (it allows 10 per hour).`
      : `Whatalo at ${at} is limiting requests while ${DOING[step]} (too many in the last minute).`;
  return fail('AS_UNREACHABLE', `${what} Try again ${when}.`, error, { oauth_error: 'rate_limit_exceeded' }, `Wait, then try again ${when}.`);
}

/** What an authorization error response (RFC 6749 §4.1.2.1) means to the merchant. */
function authorizationErrorText(error: string, description: string | undefined): string {
  switch (error) {
    case 'access_denied':
      return translator().t('error.denied');
    case 'invalid_scope':
      return `Whatalo refused the requested scopes${description ? ` (${description})` : ''}; nothing was stored.`;
    default:
      return `Whatalo answered the sign-in with "${error}"${description ? ` (${description})` : ''}; nothing was stored.`;
  }
}

/** What a failed check of the authorization response means (oauth4webapi's validateAuthResponse). */
function responseCheckText(message: string, issuer: URL): string {
  if (/"state"/.test(message)) {
    return `The answer that reached the sign-in callback does not belong to this sign-in (${message}). It may be forged; nothing was stored.`;
  }
  if (/"iss"/.test(message)) {
    return `The answer that reached the sign-in callback did not come from ${issuer.origin} (${message}); nothing was stored.`;
  }
  return `The sign-in answer could not be accepted (${message}); nothing was stored.`;
}

function isAbortError(error: unknown): error is DOMException {
  return error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function networkReason(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error.message;
}

/**
 * Maps anything an oauth4webapi call threw to a WhataloError; the one place this happens.
 * `details.oauth_error` keeps the RFC 6749 §5.2 code so callers can react to
 * `invalid_grant` (signed out) and `invalid_client` (register again).
 */
export function oauthFailure(error: unknown, step: OAuthStep, issuer: URL): WhataloError {
  if (isWhataloError(error)) return error;
  const doing = DOING[step];
  const at = issuer.origin;
  if (isRateLimited(error)) return rateLimitFailure(error, step, at);

  if (error instanceof oauth.AuthorizationResponseError) {
    return fail('SIGN_IN_FAILED', authorizationErrorText(error.error, error.error_description), error, { oauth_error: error.error });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // A 401 with a challenge from a token, introspection or revocation endpoint is client authentication failing.
    if (error.status === 401) return clientFailure(step, at, error);
    if (error.status >= 500) return fail('AS_UNREACHABLE', `Whatalo at ${at} failed while ${doing} (HTTP ${error.status}).`, error);
    return fail('AS_PROTOCOL', `Whatalo at ${at} refused ${doing} (HTTP ${error.status}).`, error);
  }
  if (error instanceof oauth.ResponseBodyError) {
    const description = error.error_description ? ` (${error.error_description})` : '';
    if (error.status >= 500 || TRANSIENT.has(error.error)) {
      return fail(
        'AS_UNREACHABLE',
        `Whatalo at ${at} is unavailable right now while ${doing}: ${error.error}${description}.`,
        error,
        { oauth_error: error.error },
        'Try again in a moment.',
      );
    }
    if (error.error === 'invalid_client') return clientFailure(step, at, error);
    if (step === 'code') {
      return fail('SIGN_IN_FAILED', `Whatalo refused the sign-in code: ${error.error}${description}. Nothing was stored; start the sign-in again.`, error, {
        oauth_error: error.error,
      });
    }
    if (error.error === 'invalid_grant') {
      return fail('AUTH_REQUIRED', translator().t('error.revoked'), error, { oauth_error: error.error, reason: 'revoked' as const }, SIGN_IN_HINT);
    }
    return fail('AS_PROTOCOL', `Whatalo at ${at} refused ${doing}: ${error.error}${description}.`, error, { oauth_error: error.error });
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    if (status !== undefined && status >= 500) {
      return fail('AS_UNREACHABLE', `Whatalo at ${at} failed while ${doing} (HTTP ${status}).`, error, undefined, 'Try again in a moment.');
    }
    if (step === 'authorization') return fail('SIGN_IN_FAILED', responseCheckText(error.message, issuer), error);
    return fail(
      'AS_PROTOCOL',
      `Whatalo at ${at} answered something this app cannot accept while ${doing}: ${error.message}${status ? ` (HTTP ${status})` : ''}.`,
      error,
    );
  }
  if (isRefusedAnswer(error)) {
    return fail('AS_PROTOCOL', `Whatalo at ${at} cannot be used while ${doing}: ${error.message}.`, error);
  }
  if (isAbortError(error)) {
    if (error.name === 'TimeoutError') {
      return fail('AS_UNREACHABLE', `Whatalo at ${at} timed out while ${doing} (${error.message}).`, error, undefined, 'Try again in a moment.');
    }
    return fail('CANCELLED', `Cancelled while ${doing}.`, error);
  }
  if (error instanceof TypeError && /fetch failed|network/i.test(error.message)) {
    return fail(
      'AS_UNREACHABLE',
      `Could not reach Whatalo at ${at} while ${doing} (${networkReason(error)}).`,
      error,
      undefined,
      'Check the network connection and WHATALO_ISSUER, then try again.',
    );
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return fail('AS_PROTOCOL', `Whatalo at ${at} asks for something this app does not support while ${doing}: ${error.message}.`, error);
  }
  // Anything else is a bug in this code, not a protocol outcome: let it surface as one.
  throw error;
}

function clientFailure(step: OAuthStep, at: string, cause: unknown): WhataloError {
  const details = { oauth_error: 'invalid_client', reason: 'client_invalid' as const } satisfies SignedOutDetails;
  if (step === 'code') {
    return fail(
      'SIGN_IN_FAILED',
      `Whatalo at ${at} no longer accepts this app's registration; nothing was stored.`,
      cause,
      details,
      'Start the sign-in again; the app registers itself anew.',
    );
  }
  return fail(
    'AUTH_REQUIRED',
    `Whatalo at ${at} no longer accepts this app's registration (it expires after 90 days); the app registers again at the next sign-in.`,
    cause,
    details,
    SIGN_IN_HINT,
  );
}
