/**
 * API v1 error answers as WhataloError: one stable code per kind a person can act on, a
 * message that names the store and the thing at fault, and the API's own fields in
 * `details` (for src/server/results.ts and for debug logs: `requestId` above all).
 *
 * @see ../../docs/design.md "API v1" (errors); CONTRACT V6
 */
import { SIGN_IN_HINT, WhataloError, isWhataloError } from '../errors.js';
import type { ApiErrorBody } from './types.js';

/** What the API said, kept for results and logs. Never holds a token. */
export interface ApiErrorDetails {
  status: number;
  apiCode: string | undefined;
  requestId: string | undefined;
  fieldErrors?: { field: string; message: string }[];
  currentQuantity?: number;
  requiredScope?: string;
  retryAfterSeconds?: number;
}

/** Reads an error body defensively: a proxy or a crashed server may answer anything. */
export function readErrorBody(value: unknown): ApiErrorBody {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const str = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const num = (key: string) => (typeof v[key] === 'number' && Number.isFinite(v[key]) ? (v[key] as number) : undefined);
  const fieldErrors = Array.isArray(v.fieldErrors)
    ? v.fieldErrors
        .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
        .map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
    : undefined;
  return {
    statusCode: num('statusCode'),
    code: str('code'),
    requestId: str('requestId'),
    message: str('message'),
    requiredScope: str('requiredScope'),
    resourceType: str('resourceType'),
    resourceId: str('resourceId'),
    fieldErrors,
    retryAfter: num('retryAfter'),
    currentQuantity: num('currentQuantity'),
    expectedQuantity: num('expectedQuantity'),
  };
}

function details(status: number, body: ApiErrorBody, requestId: string | undefined, extra: Partial<ApiErrorDetails> = {}): Record<string, unknown> {
  const d: ApiErrorDetails = { status, apiCode: body.code, requestId: body.requestId ?? requestId, ...extra };
  return d as unknown as Record<string, unknown>;
}

/**
 * The WhataloError for a final (not retried) error answer of API v1.
 * `storeId` names the store in messages, as the merchant knows it from `get_store`.
 */
export function apiErrorFromAnswer(status: number, body: ApiErrorBody, storeId: string, requestId?: string): WhataloError {
  const said = body.message ? `: ${body.message}` : '';
  if (status === 401) {
    return new WhataloError('AUTH_REQUIRED', 'Whatalo no longer accepts this sign-in (the access was revoked or has expired).', {
      hint: SIGN_IN_HINT,
      details: details(status, body, requestId),
    });
  }
  if (status === 403 && body.code === 'insufficient_scope') {
    const scope = body.requiredScope;
    return new WhataloError('INSUFFICIENT_SCOPE', `Whatalo refused the request: the sign-in for store ${storeId} lacks the scope ${scope ?? '(not named)'}.`, {
      details: details(status, body, requestId, scope ? { requiredScope: scope } : {}),
    });
  }
  if (status === 404) {
    const what = body.resourceType && body.resourceId ? `${body.resourceType} '${body.resourceId}'` : 'the requested resource';
    return new WhataloError('NOT_FOUND', `${what} not found in store ${storeId}`, { details: details(status, body, requestId) });
  }
  if (status === 409 && body.code === 'quantity_conflict') {
    const current = body.currentQuantity;
    const expected = body.expectedQuantity;
    const message =
      current === undefined
        ? `Stock changed since it was read; nothing was adjusted${said}`
        : `Stock is ${current}, not the expected ${expected ?? '(unknown)'}; nothing was adjusted.`;
    return new WhataloError('VALIDATION', message, {
      details: details(status, body, requestId, current === undefined ? {} : { currentQuantity: current }),
    });
  }
  if (status === 422 || status === 409) {
    const fieldErrors = body.fieldErrors ?? [];
    const listed = fieldErrors.length > 0 ? `: ${fieldErrors.map((e) => `${e.field} ${e.message}`).join('; ')}` : said;
    return new WhataloError('VALIDATION', `Whatalo refused the request${listed}`, {
      details: details(status, body, requestId, { fieldErrors }),
    });
  }
  if (status === 429) {
    const wait = body.retryAfter;
    return new WhataloError('RATE_LIMITED', `Whatalo's rate limit for store ${storeId} was reached${wait === undefined ? '' : `; it resets in ${wait} s`}.`, {
      details: details(status, body, requestId, wait === undefined ? {} : { retryAfterSeconds: wait }),
    });
  }
  if (status >= 500) return unreachable(`HTTP ${status}${said}`, undefined, details(status, body, requestId));
  return new WhataloError('API_ERROR', `Whatalo answered HTTP ${status}${body.code ? ` ${body.code}` : ''}${said}`, {
    details: details(status, body, requestId),
  });
}

/** True for API v1's 401: the token was refused, so fresh credentials may succeed where it failed. */
export function isUnauthorized(error: unknown): error is WhataloError {
  return isWhataloError(error, 'AUTH_REQUIRED') && error.details?.status === 401;
}

/** Said when a change was sent once and its answer was lost: "try again" could make it twice. */
export const OUTCOME_UNKNOWN_HINT =
  'The change may or may not have been made: read the item back (or list recent ones) before trying again, so it is not made twice.';

/** 5xx, timeouts and network failures: transient, and said as such. */
export function unreachable(
  why: string,
  cause?: unknown,
  extra?: Record<string, unknown>,
  hint = 'This is usually temporary; try again in a minute.',
): WhataloError {
  return new WhataloError('API_UNREACHABLE', `Whatalo is unreachable (${why}).`, {
    cause,
    hint,
    ...(extra ? { details: extra } : {}),
  });
}
