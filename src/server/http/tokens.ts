/**
 * The resource server's view of an inbound Bearer token: is it active, for which store and
 * scopes (introspection with the RS's own credentials, CONTRACT A11), and which token to send
 * to API v1 for it (RFC 8693 exchange, CONTRACT A20 — never the inbound token itself).
 *
 * Both caches are keyed by a digest of the token, never the token. `active:true` lives at
 * most min(TTL ≤ 60 s, exp − now) (A12); `active:false` and failures are never kept, so a
 * revoked token is refused at the next request after its entry ends. One request per token
 * is in flight at a time; a bounded number of entries is kept, oldest dropped first. With
 * Redis, a replica looks in the fleet's caches (shared-state.ts) before asking the AS.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { WhataloError } from '../../errors.js';
import { introspectToken } from '../../auth/introspection.js';
import { type ClientCredentials, clientAuth, requestOptions } from '../../auth/oauth.js';
import { splitScopes } from '../../scopes.js';
import { type FleetCaches, type FleetOptions, createFleetCaches } from './shared-state.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** Enough for every merchant a replica serves within a minute; memory stays bounded past it. */
const MAX_ENTRIES = 10_000;
/** An RS answers its caller; a slow AS must not hold the request for the broker's 15 s. */
const AS_TIMEOUT_MS = 5_000;

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
  apiBase: URL;
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

export interface TokenValidator {
  /** The token's facts, or null when it is inactive, unknown, expired or for another resource. Throws AS_UNREACHABLE. */
  verify(token: string): Promise<VerifiedToken | null>;
  /** The token to send API v1 for an inbound token that `verify` accepted. Throws AUTH_REQUIRED, AS_UNREACHABLE. */
  upstreamToken(token: string, verified: VerifiedToken): Promise<UpstreamToken>;
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
  const introspected = expiringCache<VerifiedToken>(now);
  const exchanged = expiringCache<UpstreamToken>(now);
  const fleet = deps.fleet ?? tokenFleet({ store: undefined, cacheKey: undefined, namespace: '' });
  const http = () => ({ fetch: deps.fetch, signal: AbortSignal.timeout(AS_TIMEOUT_MS) });
  let introspections = 0;
  let exchanges = 0;

  async function introspect(token: string): Promise<VerifiedToken | null> {
    introspections++;
    let info;
    try {
      info = await introspectToken(deps.as, deps.issuer, deps.credentials, token, http());
    } catch (error) {
      // A token the AS describes without a store cannot be routed: refused, like an inactive one.
      if (error instanceof WhataloError && error.code === 'AS_PROTOCOL' && /whatalo_store_id/.test(error.message)) return null;
      throw asUnreachable(error);
    }
    if (!info.active || info.exp === null || info.exp * 1000 <= now() || info.clientId === null) return null;
    return { clientId: info.clientId, storeId: info.storeId, merchant: info.merchant, scopes: info.scopes, exp: info.exp };
  }

  async function exchange(token: string, verified: VerifiedToken) {
    exchanges++;
    let answer: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.genericTokenEndpointRequest(
        deps.as,
        { client_id: deps.credentials.client_id },
        clientAuth(deps.credentials),
        TOKEN_EXCHANGE_GRANT,
        {
          subject_token: token,
          subject_token_type: ACCESS_TOKEN_TYPE,
          requested_token_type: ACCESS_TOKEN_TYPE,
          resource: deps.apiBase.href.replace(/\/$/, ''),
          scope: verified.scopes.join(' '),
        },
        { ...requestOptions(deps.issuer, http()) },
      );
      answer = await oauth.processGenericTokenEndpointResponse(deps.as, { client_id: deps.credentials.client_id }, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && error.status < 500 && error.error !== 'invalid_client') {
        // The AS no longer accepts the subject (revoked since introspection): the caller signs in again.
        throw new WhataloError('AUTH_REQUIRED', `Whatalo refused to exchange the access token for API v1 (${error.error}).`, { cause: error });
      }
      throw asUnreachable(error);
    }
    const scopes = answer.scope === undefined ? verified.scopes : splitScopes(answer.scope);
    const expiresAt = Math.min(verified.exp * 1000, now() + (answer.expires_in ?? 0) * 1000);
    return { accessToken: answer.access_token, scopes, expiresAt };
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
      if (!verified) {
        // An inactive inbound token takes its exchanged token with it, in every replica's reach.
        exchanged.delete(key);
        await fleet.exchanges.delete(key);
      }
      return verified;
    },
    async upstreamToken(token, verified) {
      if (upstream === 'forward') return { accessToken: token, scopes: verified.scopes };
      const key = tokenDigest(token);
      const hit = exchanged.get(key);
      if (hit) return hit;
      const got = await exchanged.once(key, async () => {
        const entry = await fleet.exchanges.fetch(key, async () => {
          const result = await exchange(token, verified);
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
      exchanged.delete(key);
      void fleet.introspections.delete(key);
      void fleet.exchanges.delete(key);
    },
    counts: () => ({ introspections, exchanges }),
  };
}

/** Anything that kept the AS from answering is the AS being unavailable (503), never the token being bad (401). */
function asUnreachable(error: unknown): WhataloError {
  const reason = error instanceof Error ? error.message : String(error);
  return new WhataloError('AS_UNREACHABLE', `The authorization server could not check the token: ${reason}`, { cause: error });
}
