/**
 * One error type for everything a user, a host or a model can act on.
 *
 * `code` is stable and machine-readable; `message` is a sentence a merchant understands;
 * `hint` is the next step (a command to run, a setting to change). Anything that is not a
 * WhataloError is a bug: it is logged and surfaced generically, in exactly one place
 * (src/server/results.ts for tool calls, src/cli.ts for commands).
 */
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
  /** The authorization server could not be reached or answered 5xx. Transient. */
  | 'AS_UNREACHABLE'
  /** The authorization server answered something that breaks the protocol. */
  | 'AS_PROTOCOL'
  /** The credential store (keychain, file) is unavailable, locked or corrupt. */
  | 'CREDENTIAL_STORE'
  /** API v1: the resource does not exist in this store. */
  | 'NOT_FOUND'
  /** API v1: the request was understood but refused (422, 409). */
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

export interface WhataloErrorOptions {
  cause?: unknown;
  /** The next step for the merchant, e.g. "run `whatalo-mcp login`". */
  hint?: string;
  /** Extra machine-readable context (never a token). */
  details?: Record<string, unknown>;
}

export class WhataloError extends Error {
  override readonly name = 'WhataloError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: WhataloErrorOptions = {}) {
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

export function isWhataloError(error: unknown, code?: ErrorCode): error is WhataloError {
  return error instanceof WhataloError && (code === undefined || error.code === code);
}

/** The one hint for every path that ends signed out. */
export const SIGN_IN_HINT = 'Run `whatalo-mcp login` to sign in again.';
