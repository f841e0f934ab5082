/**
 * API v1 error answers as WhataloError: one stable code per kind a person can act on, a
 * message that names the store and the thing at fault and shows the API's own `message`,
 * and the API's fields in `details` (for src/server/results.ts and for debug logs).
 *
 * The body is nested, `{"error":{"code","message","details"}}` (CONTRACT V3). What it means
 * is decided by the HTTP status, never by the exact code — except `FEATURE_ACCESS_DENIED`,
 * the one code that tells a plan gate from a missing scope on a 403.
 *
 * @see ../../../shared/spec/CONTRACT.md V3, V4
 */
import { z } from 'zod';
import { type ApiErrorDetails, SIGN_IN_HINT, WhataloError, apiDetails, isWhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { ApiErrorBody } from './types.js';

/** The one code API v1 is read by (CONTRACT V3): the store's plan lacks a feature. */
export const FEATURE_ACCESS_DENIED = 'FEATURE_ACCESS_DENIED';

const text = z.string().max(2000).optional().catch(undefined);
const anyText = z.unknown().transform((v) => (v === undefined || v === null ? '' : String(v).slice(0, 500)));
const fieldErrors = z.array(z.object({ field: anyText, message: anyText })).max(50);
const featureDetails = z.looseObject({ feature: text, required_scope: text, scope: text });

/** `{"error": {...}}`; each part read on its own so one of the wrong type does not hide the rest. */
const nestedBody = z.object({
  error: z.object({
    code: text,
    message: text,
    details: z.unknown().optional(),
    request_id: text,
  }),
});

/** An error body and the parts it sent in a shape API v1 does not use (named, for the debug log). */
export interface ReadErrorBody {
  body: ApiErrorBody;
  ignored: string[];
}

/**
 * What a body in another shape still says, from a gateway or proxy in front of the API:
 * OAuth's `{"error":"…","error_description":"…"}`, or a flat `{"code","message"}`.
 */
function flatBody(value: unknown): ApiErrorBody {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const code = typeof v.error === 'string' ? v.error : typeof v.code === 'string' ? v.code : undefined;
  const message = typeof v.error_description === 'string' ? v.error_description : typeof v.message === 'string' ? v.message : undefined;
  return { ...(code ? { code: code.slice(0, 100) } : {}), ...(message ? { message: message.slice(0, 2000) } : {}) };
}

/** Reads an error body defensively: a proxy or a crashed server may answer anything. */
export function readErrorBody(value: unknown): ReadErrorBody {
  const nested = nestedBody.safeParse(value);
  if (!nested.success) {
    return { body: flatBody(value), ignored: [] };
  }
  const { code, message, details, request_id } = nested.data.error;
  const body: ApiErrorBody = {};
  const ignored: string[] = [];
  if (code !== undefined) body.code = code;
  if (message !== undefined) body.message = message;
  if (request_id !== undefined) body.requestId = request_id;
  if (Array.isArray(details)) {
    const fields = fieldErrors.safeParse(details);
    if (fields.success) body.fieldErrors = fields.data;
    else ignored.push('error.details');
  } else if (details !== undefined && details !== null) {
    const extra = featureDetails.safeParse(details);
    if (extra.success) {
      if (extra.data.feature) body.feature = extra.data.feature;
      const scope = extra.data.required_scope ?? extra.data.scope;
      if (scope) body.requiredScope = scope;
    } else ignored.push('error.details');
  }
  return { body, ignored };
}

/** The thing a request was about, so a 404 can name it. */
export interface Subject {
  type: string;
  id: string;
}

function details(status: number, body: ApiErrorBody, requestId: string | undefined, extra: Partial<ApiErrorDetails> = {}): ApiErrorDetails {
  return { status, apiCode: body.code, requestId: body.requestId ?? requestId, ...extra };
}

/** A scope named in the API's message ("requires read:orders"), when details name none. */
function scopeIn(message: string | undefined): string | undefined {
  return message ? /\b(?:read|write):[a-z_]+\b/.exec(message)?.[0] : undefined;
}

/**
 * The WhataloError for a final (not retried) error answer of API v1. `storeId` names the
 * store, as the merchant knows it from `get_store`; `subject` the record a 404 is about.
 */
export function apiErrorFromAnswer(status: number, body: ApiErrorBody, storeId: string, requestId?: string, subject?: Subject): WhataloError {
  const said = body.message ? `: ${body.message}` : '';
  const { t } = translator();
  if (status === 401) {
    return new WhataloError('AUTH_REQUIRED', t('error.apiRevoked', { said }), {
      hint: SIGN_IN_HINT,
      details: details(status, body, requestId),
    });
  }
  if (status === 403 && body.code === FEATURE_ACCESS_DENIED) {
    const feature = body.feature ?? t('error.aFeature');
    return new WhataloError('FEATURE_NOT_IN_PLAN', t('error.notInPlan', { storeId, feature, said }), {
      hint: t('error.notInPlanHint'),
      details: details(status, body, requestId, body.feature ? { feature: body.feature } : {}),
    });
  }
  if (status === 403) {
    const scope = body.requiredScope ?? scopeIn(body.message);
    const message = scope ? t('error.missingScope', { storeId, scope, said }) : t('error.missingSomeScope', { storeId, said });
    return new WhataloError('INSUFFICIENT_SCOPE', message, {
      hint: t('error.missingScopeHint'),
      details: details(status, body, requestId, scope ? { requiredScope: scope } : {}),
    });
  }
  if (status === 404) {
    const message = subject ? t('error.notFound', { type: subject.type, id: subject.id, storeId }) : t('error.recordNotFound', { storeId });
    return new WhataloError('NOT_FOUND', message, { details: details(status, body, requestId) });
  }
  if (status === 422 || status === 409) {
    const fields = body.fieldErrors ?? [];
    const listed = fields.length > 0 ? `: ${fields.map((e) => `${e.field} ${e.message}`).join('; ')}` : said;
    return new WhataloError('VALIDATION', `Whatalo refused the request${listed}`, {
      details: details(status, body, requestId, { fieldErrors: fields, ...(body.message ? { apiMessage: body.message } : {}) }),
    });
  }
  if (status === 429) {
    return rateLimited(storeId, undefined, details(status, body, requestId));
  }
  if (status >= 500) return unreachable(`HTTP ${status}${said}`, undefined, details(status, body, requestId));
  return new WhataloError('API_ERROR', `Whatalo answered HTTP ${status}${body.code ? ` ${body.code}` : ''}${said}`, {
    details: details(status, body, requestId),
  });
}

/** RATE_LIMITED with the wait, when the answer said how long (Retry-After or X-RateLimit-Reset). */
export function rateLimited(storeId: string, waitSeconds: number | undefined, extra: ApiErrorDetails): WhataloError {
  const { t } = translator();
  const message = waitSeconds === undefined ? t('error.rateLimited', { storeId }) : t('error.rateLimitedFor', { storeId, seconds: waitSeconds });
  return new WhataloError('RATE_LIMITED', message, {
    details: { ...extra, ...(waitSeconds === undefined ? {} : { retryAfterSeconds: waitSeconds }) },
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
