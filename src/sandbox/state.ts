/**
 * Everything the sandbox's authorization server remembers: registered clients, pending
 * consent requests, codes, grants, tokens, its own clock and the request counters.
 *
 * Plain data plus free functions. Secrets (client secrets, codes, tokens) are kept only as
 * SHA-256 digests: the grants listing shows digests, and a heap dump shows no usable token.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type RateWindow, createWindow } from './as/rate-limit.js';

export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;
export const CODE_SECONDS = 60;
export const CLIENT_SECONDS = 90 * 24 * 3600;
/** How long a consent page stays answerable. */
export const PENDING_SECONDS = 10 * 60;
/** Caps on what an anonymous caller can make the sandbox remember (no memory exhaustion). */
const MAX_PENDING = 1000;
const MAX_COUNTER_KEYS = 1000;

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export type GrantType = 'authorization_code' | 'refresh_token' | typeof TOKEN_EXCHANGE_GRANT;

/** RFC 8693 §2.1: a confidential client trades an access token for one with another audience (CONTRACT A10). */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

export interface Client {
  client_id: string;
  /** SHA-256 hex of the secret; undefined for public clients. */
  secretDigest: string | undefined;
  token_endpoint_auth_method: AuthMethod;
  redirect_uris: string[];
  grant_types: GrantType[];
  response_types: string[];
  client_name: string;
  /** The registered ceiling: a later authorization request may ask for these scopes only (A5). */
  scope: string | undefined;
  /** The optional RFC 7591 fields Whatalo echoes (software_id, logo_uri, …), as registered. */
  extras: Record<string, string>;
  issuedAt: number;
  expiresAt: number;
}

/** An authorization request waiting for the merchant's decision on the consent page. */
export interface PendingAuthorization {
  id: string;
  /** Single-use anti-CSRF token bound to this request; rotated when the page is shown again. */
  csrf: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string;
  codeChallenge: string;
  /** The token's audience: the `resource` asked for, else API v1's (SandboxContext.apiResource). */
  resource: string;
  /** The store the request named (`whatalo_store_id`), kept only under the storeHint flag (AC5, AC6). */
  storeId: string | undefined;
  expiresAt: number;
}

export interface AuthorizationCode {
  digest: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  grantId: string;
  expiresAt: number;
  used: boolean;
}

/** One approval by the merchant: the tokens issued from one code and its refreshes. */
export interface Grant {
  id: string;
  clientId: string;
  merchant: string;
  storeId: string;
  /** What the merchant granted: the request's scopes, or fewer (A6). */
  scope: string[];
  resource: string;
  /** Whether the client registered the refresh_token grant: without it no refresh token is issued (A5). */
  refreshable: boolean;
  createdAt: number;
  revoked: boolean;
}

export type TokenKind = 'access' | 'refresh';

export interface TokenRecord {
  digest: string;
  kind: TokenKind;
  grantId: string;
  clientId: string;
  scope: string[];
  /** The resource the token is for (introspection's `aud`, A11). */
  aud: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  /** A refresh token already exchanged; presenting it again is replay (RFC 9700 §4.14.2). */
  rotated: boolean;
  /** Digest of the token this one was exchanged for (RFC 8693); it lives no longer than that one. */
  subject?: string;
}

export interface Stats {
  requests: Record<string, number>;
  grants: Record<'authorization_code' | 'refresh_token', number>;
  /** Successful RFC 8693 token exchanges (CONTRACT A10). */
  exchanges: number;
  introspections: number;
  refreshes: number;
  registrations: number;
  revocations: number;
}

export interface SandboxState {
  clients: Map<string, Client>;
  pending: Map<string, PendingAuthorization>;
  codes: Map<string, AuthorizationCode>;
  grants: Map<string, Grant>;
  tokens: Map<string, TokenRecord>;
  /** Single-use CSRF tokens of the connected-apps page. */
  settingsCsrf: Map<string, number>;
  /** Milliseconds added to the wall clock by POST /sandbox/clock. */
  clockOffsetMs: number;
  /** The AS's rate-limit windows (CONTRACT A5, A8), on the sandbox clock. */
  rates: { registrations: RateWindow; tokenByIp: RateWindow; tokenByClient: RateWindow };
  stats: Stats;
}

export function createState(): SandboxState {
  return {
    clients: new Map(),
    pending: new Map(),
    codes: new Map(),
    grants: new Map(),
    tokens: new Map(),
    settingsCsrf: new Map(),
    clockOffsetMs: 0,
    rates: { registrations: createWindow(3600), tokenByIp: createWindow(60), tokenByClient: createWindow(60) },
    stats: emptyStats(),
  };
}

function emptyStats(): Stats {
  return {
    requests: {},
    grants: { authorization_code: 0, refresh_token: 0 },
    exchanges: 0,
    introspections: 0,
    refreshes: 0,
    registrations: 0,
    revocations: 0,
  };
}

/** The sandbox clock in milliseconds. Everything that expires reads this, never Date.now(). */
export function now(state: SandboxState): number {
  return Date.now() + state.clockOffsetMs;
}

export function nowSeconds(state: SandboxState): number {
  return Math.floor(now(state) / 1000);
}

export function advanceClock(state: SandboxState, seconds: number): number {
  state.clockOffsetMs += seconds * 1000;
  return now(state);
}

export function resetStats(state: SandboxState): void {
  state.stats = emptyStats();
}

/** Counts one request under "METHOD /path"; past the key cap, new keys share one bucket. */
export function countRequest(state: SandboxState, key: string): void {
  const requests = state.stats.requests;
  if (!Object.hasOwn(requests, key) && Object.keys(requests).length >= MAX_COUNTER_KEYS) key = 'other';
  requests[key] = (requests[key] ?? 0) + 1;
}

/** 32 random bytes, base64url: 43 characters with nothing decodable (CONTRACT A4). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

const CLIENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A client_id in Whatalo's shape: 24 lowercase alphanumerics (CONTRACT A5's example). */
export function randomClientId(): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += CLIENT_ID_ALPHABET[randomInt(CLIENT_ID_ALPHABET.length)];
  return id;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares a presented secret with a stored digest in constant time. */
export function matchesDigest(presented: string, digest: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(digest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Compares two strings in constant time (for CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256Hex(a), 'hex');
  const y = Buffer.from(sha256Hex(b), 'hex');
  return timingSafeEqual(x, y);
}

/** A client that exists and has not expired by the sandbox clock (CONTRACT A5: 90 days). */
export function liveClient(state: SandboxState, clientId: string | undefined): Client | undefined {
  if (clientId === undefined) return undefined;
  const client = state.clients.get(clientId);
  return client && now(state) < client.expiresAt ? client : undefined;
}

export function addPending(state: SandboxState, pending: Omit<PendingAuthorization, 'id' | 'csrf' | 'expiresAt'>): PendingAuthorization {
  // Forget the oldest when full: an anonymous caller can open consent pages without bound.
  if (state.pending.size >= MAX_PENDING) {
    const oldest = state.pending.keys().next().value;
    if (oldest !== undefined) state.pending.delete(oldest);
  }
  const record: PendingAuthorization = {
    ...pending,
    id: randomId('req'),
    csrf: randomToken(),
    expiresAt: now(state) + PENDING_SECONDS * 1000,
  };
  state.pending.set(record.id, record);
  return record;
}

export function issueSettingsCsrf(state: SandboxState): string {
  if (state.settingsCsrf.size >= MAX_PENDING) {
    const oldest = state.settingsCsrf.keys().next().value;
    if (oldest !== undefined) state.settingsCsrf.delete(oldest);
  }
  const token = randomToken();
  state.settingsCsrf.set(sha256Hex(token), now(state) + PENDING_SECONDS * 1000);
  return token;
}

/** Consumes a connected-apps CSRF token; true only once, and only before it expires. */
export function consumeSettingsCsrf(state: SandboxState, token: string | undefined): boolean {
  if (!token) return false;
  const key = sha256Hex(token);
  const expiresAt = state.settingsCsrf.get(key);
  state.settingsCsrf.delete(key);
  return expiresAt !== undefined && now(state) < expiresAt;
}

/** Creates the grant behind an approval and the single-use code that redeems it. */
export function issueCode(
  state: SandboxState,
  request: Pick<PendingAuthorization, 'clientId' | 'redirectUri' | 'codeChallenge' | 'resource'>,
  approval: { merchant: string; storeId: string; scope: string[]; refreshable: boolean },
): string {
  const grant: Grant = {
    id: randomId('grt'),
    clientId: request.clientId,
    ...approval,
    resource: request.resource,
    createdAt: now(state),
    revoked: false,
  };
  state.grants.set(grant.id, grant);
  const code = randomToken();
  state.codes.set(sha256Hex(code), {
    digest: sha256Hex(code),
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    grantId: grant.id,
    expiresAt: now(state) + CODE_SECONDS * 1000,
    used: false,
  });
  return code;
}

export interface IssuedTokens {
  access: string;
  /** Absent when the client did not register the refresh_token grant (A5). */
  refresh: string | undefined;
  accessRecord: TokenRecord;
}

/** Stores a new token of `grant`; returns its value (the only time it exists in the clear). */
export function mintToken(
  state: SandboxState,
  fields: Pick<TokenRecord, 'kind' | 'grantId' | 'clientId' | 'scope' | 'aud' | 'expiresAt'> & { issuedAt: number; subject?: string },
): { value: string; record: TokenRecord } {
  const value = randomToken();
  const record: TokenRecord = { ...fields, digest: sha256Hex(value), revoked: false, rotated: false };
  state.tokens.set(record.digest, record);
  return { value, record };
}

/** Issues an access token, and a refresh token when the grant is refreshable, in a grant. */
export function issueTokens(state: SandboxState, grant: Grant, scope: string[], aud: string): IssuedTokens {
  const issuedAt = now(state);
  const make = (kind: TokenKind, seconds: number, tokenScope: string[]) =>
    mintToken(state, { kind, grantId: grant.id, clientId: grant.clientId, scope: tokenScope, aud, issuedAt, expiresAt: issuedAt + seconds * 1000 });
  const access = make('access', ACCESS_TOKEN_SECONDS, scope);
  // RFC 6749 §6: a rotated refresh token keeps the scope of the grant, not the narrowed one.
  const refresh = grant.refreshable ? make('refresh', REFRESH_TOKEN_SECONDS, grant.scope).value : undefined;
  return { access: access.value, refresh, accessRecord: access.record };
}

export function findToken(state: SandboxState, token: string): TokenRecord | undefined {
  return state.tokens.get(sha256Hex(token));
}

/** Active = not revoked, not expired, its grant alive and its client not expired. */
export function isActive(state: SandboxState, record: TokenRecord): boolean {
  const grant = state.grants.get(record.grantId);
  if (!grant || grant.revoked || record.revoked) return false;
  if (record.kind === 'refresh' && record.rotated) return false;
  if (now(state) >= record.expiresAt) return false;
  if (record.subject !== undefined) {
    // An exchanged token ends with the token it was exchanged for (revoked alone or not).
    const subject = state.tokens.get(record.subject);
    if (!subject || !isActive(state, subject)) return false;
  }
  return liveClient(state, record.clientId) !== undefined;
}

/** Revokes a grant: every access and refresh token issued in it stops working at once. */
export function revokeGrant(state: SandboxState, grantId: string): void {
  const grant = state.grants.get(grantId);
  if (!grant) return;
  grant.revoked = true;
  for (const record of state.tokens.values()) {
    if (record.grantId === grantId) record.revoked = true;
  }
}

/** CONTRACT A14: the merchant disconnects an app from one store. Returns how many grants ended. */
export function disconnect(state: SandboxState, clientId: string, merchant: string, storeId: string): number {
  let count = 0;
  for (const grant of state.grants.values()) {
    if (grant.clientId === clientId && grant.merchant === merchant && grant.storeId === storeId && !grant.revoked) {
      revokeGrant(state, grant.id);
      count++;
    }
  }
  return count;
}
