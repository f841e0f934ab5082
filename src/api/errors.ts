/**
 * API v1 error answers as WhataloError: one stable code per kind a person can act on, a
 * message that names the store and the thing at fault, and the API's own fields in
 * `details` (for src/server/results.ts and for debug logs: `requestId` above all).
 *
 * @see ../../docs/design.md "API v1" (errors); CONTRACT V6
 */
import { z } from 'zod';
import { type ApiErrorDetails, SIGN_IN_HINT, WhataloError, apiDetails, isWhataloError } from '../errors.js';
import type { ApiErrorBody } from './types.js';

const anyText = z.unknown().transform((v) => (v === undefined || v === null ? '' : String(v)));
const fieldError = z.object({ field: anyText, message: anyText });

/**
 * API v1's error body (CONTRACT V6), every field optional as a proxy may send none. `lenient`
 * drops each field on its own when it has the wrong type, so one bad field does not hide the rest.
 */
function errorBodySchema(lenient: boolean) {
  const optional = <T extends z.ZodType>(schema: T) => (lenient ? schema.optional().catch(undefined) : schema.optional());
  const text = () => optional(z.string());
  const count = () => optional(z.number().finite());
  return z.object({
    statusCode: count(),
    code: text(),
    requestId: text(),
    message: text(),
    requiredScope: text(),
    resourceType: text(),
    resourceId: text(),
    fieldErrors: optional(z.array(fieldError)),
    retryAfter: count(),
    currentQuantity: count(),
    expectedQuantity: count(),
  });
}

const strictBody = errorBodySchema(false);
const lenientBody = errorBodySchema(true);

/** An error body and the fields it sent in a shape API v1 does not use (named, for the debug log). */
export interface ReadErrorBody {
  body: ApiErrorBody;
  ignored: string[];
}

/** Reads an error body defensively: a proxy or a crashed server may answer anything. */
export function readErrorBody(value: unknown): ReadErrorBody {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { body: {}, ignored: [] };
  const strict = strictBody.safeParse(value);
  if (strict.success) return { body: strict.data as ApiErrorBody, ignored: [] };
  const ignored = [...new Set(strict.error.issues.map((issue) => issue.path.map(String).join('.')))];
  return { body: lenientBody.parse(value) as ApiErrorBody, ignored };
}

function details(status: number, body: ApiErrorBody, requestId: string | undefined, extra: Partial<ApiErrorDetails> = {}): ApiErrorDetails {
  return { status, apiCode: body.code, requestId: body.requestId ?? requestId, ...extra };
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
  return isWhataloError(error, 'AUTH_REQUIRED') && apiDetails(error)?.status === 401;
}

/** Said when a change was sent once and its answer was lost: "try again" could make it twice. */
export const OUTCOME_UNKNOWN_HINT =
  'The change may or may not have been made: read the item back (or list recent ones) before trying again, so it is not made twice.';

/** 5xx, timeouts and network failures: transient, and said as such. */
export function unreachable(why: string, cause?: unknown, extra?: ApiErrorDetails, hint = 'This is usually temporary; try again in a minute.'): WhataloError {
  return new WhataloError('API_UNREACHABLE', `Whatalo is unreachable (${why}).`, {
    cause,
    hint,
    ...(extra ? { details: extra } : {}),
  });
}
