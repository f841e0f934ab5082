/**
 * Introspection of our own access tokens, and the small cache in front of it.
 *
 * Every tool call checks its token this way (CONTRACT B4): the answer says whether the
 * token is still active (revocation shows at once, A14), which scopes it carries and which
 * store it addresses. `active:true` is cached for at most the configured TTL (≤ 60 s, A12)
 * and never past the token's own `exp`; `active:false` is never cached; concurrent checks of
 * one token share one request. A failed check fails closed: the call is not allowed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { WhataloError } from '../errors.js';
import { escapeControls } from '../safe-text.js';
import { splitScopes } from '../scopes.js';
import { type ClientCredentials, type HttpDeps, clientAuth, oauthFailure, requestOptions } from './oauth.js';

export type TokenInfo =
  | { active: false }
  | {
      active: true;
      scopes: string[];
      /** whatalo_store_id: the one store this token addresses (CONTRACT A5). */
      storeId: string;
      /** sub: the merchant, `usr_…`. */
      merchant: string;
      /** username (RFC 7662 §2.2): the merchant's name as the AS shows it, escaped and capped; null when not given. */
      merchantName: string | null;
      /** exp in seconds since the epoch, by the AS's clock; null when not given. */
      exp: number | null;
      clientId: string | null;
    };

/**
 * Asks the AS about one token, authenticating as the client it was issued to, and checks
 * that an active answer describes a token of this app for this resource (CONTRACT B4):
 * Whatalo lets any confidential client introspect any token (A11), so `active: true` alone
 * says nothing about whose token it is; `client_id` must be ours, `iss` the issuer, and `aud`
 * the resource the token was asked for (`resource`, AC1; undefined = none was asked for).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
export async function introspectToken(
  as: oauth.AuthorizationServer,
  issuer: URL,
  client: ClientCredentials,
  token: string,
  deps: HttpDeps = {},
  resource?: string,
): Promise<TokenInfo> {
  let answer: oauth.IntrospectionResponse;
  try {
    const response = await oauth.introspectionRequest(as, { client_id: client.client_id }, clientAuth(client), token, {
      ...requestOptions(issuer, deps),
      additionalParameters: { token_type_hint: 'access_token' },
    });
    answer = await oauth.processIntrospectionResponse(as, { client_id: client.client_id }, response);
  } catch (error) {
    throw oauthFailure(error, 'introspection', issuer);
  }
  if (answer.active !== true) return { active: false };
  const storeId = answer.whatalo_store_id;
  if (typeof storeId !== 'string' || storeId === '' || typeof answer.sub !== 'string' || answer.sub === '') {
    // CONTRACT A11: without the store we cannot tell which store a call would change.
    throw new WhataloError('AS_PROTOCOL', `Whatalo at ${issuer.origin} described an active token without "whatalo_store_id" and "sub".`);
  }
  if (escapeControls(storeId) !== storeId || escapeControls(answer.sub) !== answer.sub) {
    // Both are identifiers shown on their own lines and sent as a header: a control character is an attack, not a name.
    throw new WhataloError('AS_PROTOCOL', `Whatalo at ${issuer.origin} described an active token whose "whatalo_store_id" or "sub" holds control characters.`);
  }
  checkOwnership(answer, { issuer: as.issuer, clientId: client.client_id, resource }, issuer);
  return {
    active: true,
    scopes: splitScopes(answer.scope),
    storeId,
    merchant: answer.sub,
    merchantName: displayName(answer.username),
    exp: typeof answer.exp === 'number' ? answer.exp : null,
    clientId: typeof answer.client_id === 'string' ? answer.client_id : null,
  };
}

/** An audience claim (RFC 7662 §2.2: a string or an array of strings) as a list. */
function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * The three checks of an active answer (CONTRACT B4, A11). Each names the field that was
 * wrong; what the AS put there is quoted escaped, never a token.
 */
function checkOwnership(answer: oauth.IntrospectionResponse, expected: { issuer: string; clientId: string; resource: string | undefined }, issuer: URL): void {
  const wrong = (field: string, got: unknown, want: string) =>
    new WhataloError(
      'AS_PROTOCOL',
      `Whatalo at ${issuer.origin} described the access token with "${field}" ${escapeControls(JSON.stringify(got ?? null).slice(0, 200))}, not ` +
        `${JSON.stringify(want)}: it is not this app's token for ${expected.resource ?? 'this issuer'}, so it is not used.`,
    );
  if (answer.client_id !== expected.clientId) throw wrong('client_id', answer.client_id, expected.clientId);
  if (answer.iss !== expected.issuer) throw wrong('iss', answer.iss, expected.issuer);
  if (expected.resource !== undefined && !audiences(answer.aud).includes(expected.resource)) throw wrong('aud', answer.aud, expected.resource);
}

/** Long enough for any real name, short enough that a hostile AS cannot fill a terminal line with one. */
const MAX_NAME_LENGTH = 120;

/** A name for people to read: control characters escaped (it reaches terminals), whitespace trimmed, capped. */
function displayName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = escapeControls(value.trim());
  if (name === '') return null;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

export interface IntrospectionCache {
  /** The token's state: from the cache when fresh, else from one shared request. */
  check(token: string): Promise<TokenInfo>;
  /** The cached active answer for `token` when it is still fresh; no request. */
  peek(token: string): Extract<TokenInfo, { active: true }> | undefined;
  /**
   * Remembers an answer obtained elsewhere (the sign-in introspects its new token) under the
   * same rules as a fetched one: inactive is not kept, and active lasts the TTL from `at`
   * (when it was asked, local ms) and never past exp.
   */
  prime(token: string, info: TokenInfo, at?: number): void;
  /** Forgets what is known about the token (after a 401 from the API, after refresh). */
  invalidate(token: string): void;
  clear(): void;
}

export interface IntrospectionCacheOptions {
  ttlSeconds: number;
  introspect(token: string): Promise<TokenInfo>;
  /** Local clock in ms; tests pass their own. */
  now?: () => number;
}

/** A digest names the token in the maps: nothing that holds the cache holds a usable token. */
function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function createIntrospectionCache(options: IntrospectionCacheOptions): IntrospectionCache {
  const now = options.now ?? Date.now;
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const cache = new Map<string, { info: TokenInfo; until: number }>();
  const inflight = new Map<string, Promise<TokenInfo>>();

  // Every tool call checks the same token until it is refreshed: its digest is computed once,
  // not per call (a SHA-256 per call was a visible share of per-call CPU in the throughput
  // profile). The one token kept here is the one the session holds anyway; the maps still
  // hold digests only.
  let last: { token: string; key: string } | undefined;
  function keyFor(token: string): string {
    if (last?.token !== token) last = { token, key: keyOf(token) };
    return last.key;
  }

  function remember(key: string, info: TokenInfo, at = now()): void {
    if (!info.active || ttlMs === 0) return;
    // Never past the token's own expiry: a cached "active" must not outlive the token.
    const until = Math.min(at + ttlMs, info.exp === null ? Infinity : info.exp * 1000);
    if (until > now()) cache.set(key, { info, until });
  }

  return {
    peek(token) {
      const hit = cache.get(keyFor(token));
      return hit && hit.until > now() && hit.info.active ? hit.info : undefined;
    },
    check(token) {
      const key = keyFor(token);
      const hit = cache.get(key);
      if (hit && hit.until > now()) return Promise.resolve(hit.info);
      cache.delete(key);
      const pending = inflight.get(key);
      if (pending) return pending;
      const request = options
        .introspect(token)
        .then((info) => {
          remember(key, info);
          return info;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, request);
      return request;
    },
    prime(token, info, at) {
      remember(keyFor(token), info, at);
    },
    invalidate(token) {
      cache.delete(keyFor(token));
    },
    clear() {
      cache.clear();
      last = undefined;
    },
  };
}
