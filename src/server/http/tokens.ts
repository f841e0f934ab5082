/**
 * The resource server's view of an inbound Bearer token: is it for this server, for which
 * store and scopes (introspection with the RS's own credentials, CONTRACT A11, R3), and which
 * token to send to API v1 for one tool's scope (RFC 8693 exchange, CONTRACT A10, R6 — never
 * the inbound token itself).
 *
 * Whatalo lets any confidential client introspect any token and reports its audience in
 * `aud`; it does not answer `active:false` for a token issued to another resource. So the
 * audience check is this server's own (`acceptToken`): `active`, `aud` = this server's
 * resource, `iss` = the issuer, `exp` ahead — anything else is refused like an unknown token.
 *
 * Both caches are keyed by a digest of the token, never the token. `active:true` lives at
 * most min(TTL ≤ 60 s, exp − now) (A12); refusals and failures are never kept, so a revoked
 * token is refused at the next request after its entry ends. One request per token is in
 * flight at a time; a bounded number of entries is kept, oldest dropped first. With Redis, a
 * replica looks in the fleet's caches (shared-state.ts) before asking the AS.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { WhataloError } from '../../errors.js';
import { type ClientCredentials, clientAuth, requestOptions } from '../../auth/oauth.js';
import { escapeControls } from '../../safe-text.js';
import { ALL_SCOPES, splitScopes } from '../../scopes.js';
import { type FleetCaches, type FleetOptions, createFleetCaches } from './shared-state.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** Enough for every merchant a replica serves within a minute; memory stays bounded past it. */
const MAX_ENTRIES = 10_000;
/** An RS answers its caller; a slow AS must not hold the request for the broker's 15 s. */
const AS_TIMEOUT_MS = 5_000;
/** The OAuth errors by which an AS says "this client may not exchange" rather than "this token is dead". */
const EXCHANGE_NOT_ALLOWED = new Set(['unsupported_grant_type', 'unauthorized_client', 'invalid_client', 'invalid_target', 'invalid_scope']);

/** What introspection vouched for. */
export interface VerifiedToken {
  clientId: string;
  storeId: string;
  merchant: string;
  scopes: string[];
  /** Seconds since the epoch. */
  exp: number;
}

/** The token API v1 gets for an inbound one, and its scopes. */
export interface UpstreamToken {
  accessToken: string;
  scopes: string[];
}

/** Entries read back from Redis are checked like any remote answer. */
const verifiedShape = z.object({ clientId: z.string(), storeId: z.string(), merchant: z.string(), scopes: z.array(z.string()), exp: z.number() });
const upstreamShape = z.object({ accessToken: z.string().min(1), scopes: z.array(z.string()) });
const parsed =
  <T>(shape: z.ZodType<T>) =>
  (value: unknown): T | null => {
    const result = shape.safeParse(value);
    return result.success ? result.data : null;
  };

/** What this replica shares with the others of its deployment: nothing, unless given Redis. */
export type TokenFleet = FleetCaches<VerifiedToken, UpstreamToken>;

export function tokenFleet(options: Omit<FleetOptions<VerifiedToken, UpstreamToken>, 'parseIntrospection' | 'parseExchange'>): TokenFleet {
  return createFleetCaches({ ...options, parseIntrospection: parsed(verifiedShape), parseExchange: parsed(upstreamShape) });
}

export interface TokenDeps {
  as: oauth.AuthorizationServer;
  issuer: URL;
  credentials: ClientCredentials;
  /** Seconds; already ≤ 60. */
  ttlSeconds: number;
  /** This server's resource (its public URL, RFC 9728 `resource`): the only `aud` accepted. */
  resource: string;
  /** The resource indicator of API v1 for the exchange (CONTRACT AC1: the API's origin). */
  apiResource: string;
  /** Why a token was refused, for the log (never the token). */
  onRefused?: (reason: string) => void;
  /** The caches this replica shares with its fleet; none by default. */
  fleet?: TokenFleet;
  now?: () => number;
  fetch?: typeof fetch;
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A bounded map of digests to values with a deadline, and one in-flight fill per key. */
function expiringCache<T>(now: () => number) {
  const entries = new Map<string, { value: T; until: number }>();
  const inflight = new Map<string, Promise<T | null>>();
  return {
    get(key: string): T | undefined {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      if (hit) entries.delete(key);
      return undefined;
    },
    set(key: string, value: T, until: number): void {
      if (until <= now()) return;
      entries.delete(key);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until });
    },
    delete(key: string): void {
      entries.delete(key);
    },
    /** Runs `fill` once for concurrent callers of the same key. */
    once(key: string, fill: () => Promise<T | null>): Promise<T | null> {
      let pending = inflight.get(key);
      if (!pending) {
        pending = fill().finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    get size() {
      return entries.size;
    },
  };
}

/** Where this server stands: the resource its tokens must name, and the issuer they must come from. */
export interface Audience {
  resource: string;
  issuer: string;
}

/** A whatalo_store_id or sub: an identifier shown on its own line and sent as a header, so no control characters. */
const identifier = (value: unknown): value is string => typeof value === 'string' && value !== '' && escapeControls(value) === value;

/**
 * CONTRACT R3: what an introspection answer lets this server act on, or why it may not. The
 * AS's `active:true` alone is not enough: `aud` must be this server's resource (a single
 * value, or a list of that one value — a token for several resources could be replayed
 * here by any of them), `iss` the issuer, `exp` ahead, and the store and merchant named.
 */
export function acceptToken(answer: oauth.IntrospectionResponse, audience: Audience, nowMs: number): VerifiedToken | { refused: string } {
  if (answer.active !== true) return { refused: 'inactive' };
  const aud = Array.isArray(answer.aud) && answer.aud.length === 1 ? answer.aud[0] : answer.aud;
  if (aud !== audience.resource) return { refused: 'issued for another resource (aud)' };
  if (answer.iss !== audience.issuer) return { refused: 'issued by another authorization server (iss)' };
  if (typeof answer.exp !== 'number' || answer.exp * 1000 <= nowMs) return { refused: 'expired or without exp' };
  if (typeof answer.client_id !== 'string' || answer.client_id === '') return { refused: 'no client_id' };
  // Without the store a call could not be routed (R5); without sub no merchant is named.
  if (!identifier(answer.whatalo_store_id) || !identifier(answer.sub)) return { refused: 'no usable whatalo_store_id or sub' };
  return { clientId: answer.client_id, storeId: answer.whatalo_store_id, merchant: answer.sub, scopes: splitScopes(answer.scope), exp: answer.exp };
}

/** The AS would not exchange for this server's client: an operator's fix, not the caller's (503, never 401). */
export class ExchangeRefused extends WhataloError {
  constructor(oauthError: string, deps: Pick<TokenDeps, 'apiResource' | 'credentials' | 'issuer'>, cause: unknown) {
    super(
      'AS_PROTOCOL',
      `the authorization server refused to exchange tokens for API v1 (${oauthError}): it must allow the client ${deps.credentials.client_id} the ` +
        `token exchange grant (${TOKEN_EXCHANGE_GRANT}) with resource ${deps.apiResource}`,
      { cause, details: { oauth_error: oauthError } },
    );
  }
}

export interface TokenValidator {
  /** The token's facts, or null when it is inactive, unknown, expired or for another resource. Throws AS_UNREACHABLE. */
  verify(token: string): Promise<VerifiedToken | null>;
  /** The token to send API v1 for `scope` on behalf of an inbound token that `verify` accepted. Throws AUTH_REQUIRED, ExchangeRefused, AS_UNREACHABLE. */
  upstreamToken(token: string, verified: VerifiedToken, scope: string): Promise<UpstreamToken>;
  /** API v1 refused what upstreamToken gave: forget it (and the introspection), so the next call starts over. */
  forget(token: string): void;
  counts(): { introspections: number; exchanges: number };
}

/**
 * `forward` sends the inbound token to API v1 as it is: only for an AS whose tokens for this
 * resource are also valid at the API, chosen by the operator (`--upstream forward`).
 */
export function createTokenValidator(deps: TokenDeps, upstream: 'exchange' | 'forward'): TokenValidator {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlSeconds * 1000;
  const audience: Audience = { resource: deps.resource, issuer: deps.as.issuer };
  const introspected = expiringCache<VerifiedToken>(now);
  const exchanged = expiringCache<UpstreamToken>(now);
  const fleet = deps.fleet ?? tokenFleet({ store: undefined, cacheKey: undefined, namespace: '' });
  const options = () => requestOptions(deps.issuer, { fetch: deps.fetch, timeoutMs: AS_TIMEOUT_MS });
  const client = { client_id: deps.credentials.client_id };
  // One exchanged token per inbound token and scope (R6): each API call carries only what its tool needs.
  const exchangeKey = (digest: string, scope: string) => `${digest} ${scope}`;
  const exchangeKeys = (digest: string) => ALL_SCOPES.map((scope) => exchangeKey(digest, scope));
  let introspections = 0;
  let exchanges = 0;

  async function introspect(token: string): Promise<VerifiedToken | null> {
    introspections++;
    let answer: oauth.IntrospectionResponse;
    try {
      const response = await oauth.introspectionRequest(deps.as, client, clientAuth(deps.credentials), token, {
        ...options(),
        additionalParameters: { token_type_hint: 'access_token' },
      });
      answer = await oauth.processIntrospectionResponse(deps.as, client, response);
    } catch (error) {
      throw asUnreachable(error);
    }
    const verdict = acceptToken(answer, audience, now());
    if ('refused' in verdict) {
      deps.onRefused?.(verdict.refused);
      return null;
    }
    return verdict;
  }

  async function exchange(token: string, verified: VerifiedToken, scope: string) {
    exchanges++;
    let answer: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.genericTokenEndpointRequest(
        deps.as,
        client,
        clientAuth(deps.credentials),
        TOKEN_EXCHANGE_GRANT,
        {
          subject_token: token,
          subject_token_type: ACCESS_TOKEN_TYPE,
          requested_token_type: ACCESS_TOKEN_TYPE,
          resource: deps.apiResource,
          scope,
        },
        options(),
      );
      answer = await oauth.processGenericTokenEndpointResponse(deps.as, client, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && EXCHANGE_NOT_ALLOWED.has(error.error)) throw new ExchangeRefused(error.error, deps, error);
      if (error instanceof oauth.ResponseBodyError && error.status < 500) {
        // invalid_grant, invalid_request: the AS no longer accepts the subject (revoked since introspection); the caller signs in again.
        throw new WhataloError('AUTH_REQUIRED', `Whatalo refused to exchange the access token for API v1 (${error.error}).`, { cause: error });
      }
      throw asUnreachable(error);
    }
    const scopes = answer.scope === undefined ? [scope] : splitScopes(answer.scope);
    const expiresAt = Math.min(verified.exp * 1000, now() + (answer.expires_in ?? 0) * 1000);
    return { accessToken: answer.access_token, scopes, expiresAt };
  }

  function forgetExchanges(digest: string): Promise<void> {
    for (const key of exchangeKeys(digest)) exchanged.delete(key);
    return fleet.exchanges.delete(...exchangeKeys(digest));
  }

  return {
    async verify(token) {
      const key = tokenDigest(token);
      const hit = introspected.get(key);
      if (hit) return hit;
      const verified = await introspected.once(key, async () => {
        const got = await fleet.introspections.fetch(key, async () => {
          const fresh = await introspect(token);
          return fresh && { value: fresh, until: Math.min(now() + ttlMs, fresh.exp * 1000) };
        });
        // Another replica's deadline, bounded again by this one's clock and TTL.
        if (got) introspected.set(key, got.value, Math.min(got.until, now() + ttlMs, got.value.exp * 1000));
        return got?.value ?? null;
      });
      // A refused inbound token takes its exchanged tokens with it, in every replica's reach.
      if (!verified) await forgetExchanges(key);
      return verified;
    },
    async upstreamToken(token, verified, scope) {
      if (upstream === 'forward') return { accessToken: token, scopes: verified.scopes };
      const key = exchangeKey(tokenDigest(token), scope);
      const hit = exchanged.get(key);
      if (hit) return hit;
      const got = await exchanged.once(key, async () => {
        const entry = await fleet.exchanges.fetch(key, async () => {
          const result = await exchange(token, verified, scope);
          return { value: { accessToken: result.accessToken, scopes: result.scopes }, until: result.expiresAt };
        });
        if (entry) exchanged.set(key, entry.value, Math.min(entry.until, verified.exp * 1000));
        return entry?.value ?? null;
      });
      if (!got) throw new WhataloError('AUTH_REQUIRED', 'Whatalo gave no token for API v1.');
      return got;
    },
    forget(token) {
      const key = tokenDigest(token);
      introspected.delete(key);
      void fleet.introspections.delete(key);
      void forgetExchanges(key);
    },
    counts: () => ({ introspections, exchanges }),
  };
}

/** Anything that kept the AS from answering is the AS being unavailable (503), never the token being bad (401). */
function asUnreachable(error: unknown): WhataloError {
  const reason = error instanceof Error ? error.message : String(error);
  return new WhataloError('AS_UNREACHABLE', `The authorization server could not check the token: ${reason}`, { cause: error });
}
