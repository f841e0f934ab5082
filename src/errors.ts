/**
 * One error type for everything a user, a host or a model can act on.
 *
 * `code` is stable and machine-readable; `message` is a sentence a merchant understands;
 * `hint` is the next step (a command to run, a setting to change). Anything that is not a
 * WhataloError is a bug: it is logged and surfaced generically, in exactly one place
 * (src/server/results.ts for tool calls, src/cli.ts for commands).
 */
import { translator } from './i18n/index.js';
import { escapeControls } from './safe-text.js';

export type ErrorCode =
  /** A flag, env var or config file value is invalid. CLI exit 2. */
  | 'CONFIG_INVALID'
  /** No usable grant: never signed in, signed out, revoked or expired. */
  | 'AUTH_REQUIRED'
  /** The sign-in flow failed (denied, forged state, wrong iss, protocol error). */
  | 'SIGN_IN_FAILED'
  /** A sign-in granted another store than the one the grant or the call is for; nothing was changed. */
  | 'STORE_MISMATCH'
  /** The sign-in flow did not complete in time. */
  | 'SIGN_IN_TIMEOUT'
  /** The grant lacks the scope a tool needs. */
  | 'INSUFFICIENT_SCOPE'
  /** API v1's FEATURE_ACCESS_DENIED: the store's plan lacks the feature (not a missing scope). */
  | 'FEATURE_NOT_IN_PLAN'
  /** The authorization server could not be reached or answered 5xx. Transient. */
  | 'AS_UNREACHABLE'
  /** The authorization server answered something that breaks the protocol. */
  | 'AS_PROTOCOL'
  /** The credential store (keychain, file) is unavailable, locked or corrupt. */
  | 'CREDENTIAL_STORE'
  /** API v1: the resource does not exist in this store. */
  | 'NOT_FOUND'
  /** API v1: the request was understood but refused (422, 409), or the merchant said no to it. */
  | 'VALIDATION'
  /** API v1: rate limited past the retry bound. */
  | 'RATE_LIMITED'
  /** API v1: 5xx, timeout or network error. Transient. */
  | 'API_UNREACHABLE'
  /** API v1: any other error answer. */
  | 'API_ERROR'
  /** Remote mode: the remote MCP server could not be reached, timed out or answered 5xx. Transient. */
  | 'REMOTE_UNREACHABLE'
  /** The caller cancelled the request. */
  | 'CANCELLED';

/** Why the local session ended: sign in (again) from scratch, or register again first. */
export type SignedOutReason = 'not_signed_in' | 'revoked' | 'client_invalid';

/** What API v1 said in an error answer, kept for results and logs (`requestId` above all). Never holds a token. */
export interface ApiErrorDetails {
  status: number;
  apiCode: string | undefined;
  requestId: string | undefined;
  fieldErrors?: { field: string; message: string }[];
  /** The API's own `message`, when a refusal named no field. */
  apiMessage?: string;
  requiredScope?: string;
  retryAfterSeconds?: number;
  /** FEATURE_ACCESS_DENIED: the feature the store's plan lacks. */
  feature?: string;
}

/** An OAuth error answer's code (RFC 6749 §5.2), so callers can react to `invalid_grant` and `invalid_client`. */
export interface OAuthErrorDetails {
  oauth_error: string;
  reason?: SignedOutReason;
}

/** The local session ended (no grant, revoked, the AS forgot this client). */
export interface SignedOutDetails {
  reason: SignedOutReason;
  oauth_error?: string;
}

/** Which store or record of the credential store failed, and why when it is not plain unavailability. */
export interface CredentialStoreDetails {
  reason?: 'corrupt_record' | 'corrupt_clients_file' | 'lock_timeout';
  account?: string;
  file?: string;
  lockPath?: string;
  holderPid?: number | undefined;
}

/**
 * What `details` carries for each code; `never` where a code carries none. The compiler holds
 * every `new WhataloError(code, …, { details })` to this map, so a reader of an error knows its
 * fields without finding where it was made.
 */
export interface ErrorDetailsByCode {
  CONFIG_INVALID: never;
  AUTH_REQUIRED: SignedOutDetails | ApiErrorDetails;
  SIGN_IN_FAILED: OAuthErrorDetails | { reason: 'interference' };
  STORE_MISMATCH: { reason: 'store_mismatch'; wanted_store_id: string; granted_store_id: string };
  /** The link the merchant was given, so a timeout can say which one went unused. */
  SIGN_IN_TIMEOUT: { authorization_url: string };
  /** From API v1's 403, or from the local check before the call (with the command that grants it). */
  INSUFFICIENT_SCOPE: ApiErrorDetails | { scope: string; command: string };
  FEATURE_NOT_IN_PLAN: ApiErrorDetails;
  AS_UNREACHABLE: OAuthErrorDetails;
  /** An OAuth error answer, or an AS that publishes no metadata (so a remote server's own may stand in). */
  AS_PROTOCOL: OAuthErrorDetails | { reason: 'no_metadata' };
  CREDENTIAL_STORE: CredentialStoreDetails;
  NOT_FOUND: ApiErrorDetails;
  /** From API v1's 409/422, or a tool argument checked before the call (with the current value when it was a stale expectation). */
  VALIDATION: ApiErrorDetails | { field: string; current?: number };
  RATE_LIMITED: ApiErrorDetails;
  API_UNREACHABLE: ApiErrorDetails;
  API_ERROR: ApiErrorDetails;
  REMOTE_UNREACHABLE: never;
  CANCELLED: never;
}

export interface WhataloErrorOptions<C extends ErrorCode = ErrorCode> {
  cause?: unknown;
  /** The next step for the merchant, e.g. "run `whatalo-mcp login`". */
  hint?: string;
  /** Extra machine-readable context (never a token), as ErrorDetailsByCode lists it for `code`. */
  details?: ErrorDetailsByCode[C];
}

export class WhataloError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'WhataloError';
  readonly code: C;
  readonly hint: string | undefined;
  readonly details: ErrorDetailsByCode[C] | undefined;

  constructor(code: C, message: string, options: WhataloErrorOptions<C> = {}) {
    // Messages quote what the AS or the API said; one line, no control sequence, whoever shows it.
    super(escapeControls(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint === undefined ? undefined : escapeControls(options.hint);
    this.details = options.details;
  }

  /** The message followed by the hint, as shown to a person. */
  toUserText(): string {
    if (!this.hint) return this.message;
    // Two sentences, so the message ends with a full stop even when it was written without one.
    return `${this.message}${/[.!?]$/.test(this.message) ? '' : '.'} ${this.hint}`;
  }
}

export function isWhataloError<C extends ErrorCode = ErrorCode>(error: unknown, code?: C): error is WhataloError<C> {
  return error instanceof WhataloError && (code === undefined || error.code === code);
}

/** Why the session ended, when `error` says it did. */
export function signedOutReason(error: unknown): SignedOutReason | undefined {
  if (!isWhataloError(error, 'AUTH_REQUIRED') || !error.details || !('reason' in error.details)) return undefined;
  return error.details.reason;
}

/** What API v1 said, when `error` comes from an API v1 error answer. */
export function apiDetails(error: WhataloError): ApiErrorDetails | undefined {
  const details: unknown = error.details;
  return details !== null && typeof details === 'object' && 'status' in details && typeof details.status === 'number'
    ? (details as ApiErrorDetails)
    : undefined;
}

/** The one hint for every path that ends signed out. */
export const SIGN_IN_HINT = translator().t('error.signInHint');
