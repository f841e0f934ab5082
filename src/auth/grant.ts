/**
 * The stored grant: what the credential store keeps for one (issuer, client), as JSON.
 *
 * One record holds the client secret and, once a sign-in succeeded, the token set. It is
 * written first right after a registration, with no tokens (a failed sign-in must not cost a
 * second registration, CONTRACT A5), and gets its tokens only once a token exchange
 * succeeded; after `invalid_grant` the tokens go but the secret stays, so the next sign-in
 * needs no new registration. Whatever comes
 * back from the store is validated here: a corrupt record is a clear CREDENTIAL_STORE error
 * naming the way out, never a crash further down.
 */
import type { TokenEndpointResponse } from 'oauth4webapi';
import { z } from 'zod';
import { recordIssue } from './records.js';
import { WhataloError } from '../errors.js';
import { splitScopes } from '../scopes.js';
import type { CredentialStore } from './credentials/index.js';

/** Refresh this long before the AS's expiry, so a token never expires mid-call. */
export const REFRESH_MARGIN_MS = 60_000;

export interface StoredTokens {
  access_token: string;
  /** Absent when the AS issued none; a refresh is then impossible. */
  refresh_token: string | null;
  /** Local time (ms) the access token expires: obtained_at + the AS's expires_in; null = unknown. */
  expires_at: number | null;
  /** The granted scope, RFC 6749 §3.3 form. */
  scope: string;
  /** whatalo_store_id and sub from introspection at sign-in; for `status` when offline. */
  store_id: string | null;
  merchant: string | null;
  /** Local time (ms) these tokens were obtained (sign-in or refresh). */
  obtained_at: number;
  /** Local time (ms) of the sign-in this grant came from; survives refreshes, tells grants apart. */
  signed_in_at: number;
}

export interface StoredGrant {
  version: 1;
  /** Null for a public client, which has none. */
  client_secret: string | null;
  tokens: StoredTokens | null;
}

/** The credential-store account of one registered client: `${issuer} ${client_id}` (never a version). */
export function grantAccount(issuer: string, clientId: string): string {
  return `${issuer} ${clientId}`;
}

/** The way out of a record that cannot be read. */
const CORRUPT_HINT = 'Run `whatalo-mcp logout` to remove the stored credentials, then `whatalo-mcp login`.';

function corrupt(where: string, why: string): WhataloError {
  return new WhataloError('CREDENTIAL_STORE', `The stored Whatalo credentials in ${where} are unreadable (${why}).`, {
    hint: CORRUPT_HINT,
    details: { reason: 'corrupt_record' },
  });
}

const timeMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// Absent and null both mean "none"; an empty string is a damaged value, not "none".
const optionalText = z
  .string()
  .min(1)
  .nullish()
  .transform((value) => value ?? null);

const storedTokens = z.object({
  access_token: z.string().min(1),
  refresh_token: optionalText,
  expires_at: timeMs.nullable(),
  scope: z.string(),
  store_id: optionalText,
  merchant: optionalText,
  obtained_at: timeMs,
  signed_in_at: timeMs,
});

const storedGrant = z.object({
  version: z.literal(1),
  client_secret: z.string().min(1).nullable(),
  tokens: storedTokens.nullish().transform((value) => value ?? null),
});

/** Validates a record read from the credential store; `where` names it, and the error names the field. */
export function parseStoredGrant(text: string, where: string): StoredGrant {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(where, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(where, 'not a JSON object');
  const parsed = storedGrant.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.path[0] === 'version') throw corrupt(where, `unknown version ${JSON.stringify((value as { version?: unknown }).version)}`);
    throw corrupt(where, recordIssue(parsed.error));
  }
  const grant: StoredGrant = parsed.data;
  return grant;
}

/** Reads the record of `account`; null when there is none. */
export async function readStoredGrant(store: CredentialStore, account: string): Promise<StoredGrant | null> {
  const text = await store.get(account);
  return text === null ? null : parseStoredGrant(text, store.description);
}

export async function writeStoredGrant(store: CredentialStore, account: string, grant: StoredGrant): Promise<void> {
  await store.set(account, JSON.stringify(grant));
}

/**
 * The token set from a token endpoint answer. A refresh answer may omit the refresh token and
 * the scope, which then stay as they were (RFC 6749 §6, §5.1).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokensFromResponse(
  response: TokenEndpointResponse,
  now: number,
  previous: Pick<StoredTokens, 'refresh_token' | 'scope' | 'store_id' | 'merchant' | 'signed_in_at'> | { scope: string },
): StoredTokens {
  const before = previous as Partial<StoredTokens>;
  return {
    access_token: response.access_token,
    refresh_token: response.refresh_token ?? before.refresh_token ?? null,
    expires_at: typeof response.expires_in === 'number' ? now + response.expires_in * 1000 : null,
    scope: response.scope ?? before.scope ?? '',
    store_id: before.store_id ?? null,
    merchant: before.merchant ?? null,
    obtained_at: now,
    signed_in_at: before.signed_in_at ?? now,
  };
}

/** True when the access token has expired or expires within REFRESH_MARGIN_MS. */
export function needsRefresh(tokens: StoredTokens, now: number): boolean {
  return tokens.expires_at !== null && tokens.expires_at - REFRESH_MARGIN_MS <= now;
}

/** True when the granted scope includes every one of `scopes`. */
export function grantsAll(tokens: Pick<StoredTokens, 'scope'>, scopes: readonly string[]): boolean {
  const granted = new Set(splitScopes(tokens.scope));
  return scopes.every((s) => granted.has(s));
}
