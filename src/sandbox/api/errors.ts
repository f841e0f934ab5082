/**
 * API v1 error answers, nested as Whatalo sends them (CONTRACT V3):
 * `{"error": {"code": "VALIDATION_ERROR", "message": "…", "details": [{field, message}]}}`.
 * Route code throws these; the chain in ../api.ts adds the rate-limit headers and the
 * router's one error handler sends them.
 *
 * @see ../../../../shared/spec/CONTRACT.md V3
 */
import { HttpError } from '../http.js';
import { FEATURE_NAMES, type Feature } from '../data.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The UPPER_SNAKE codes of API v1 error bodies. VALIDATION_ERROR, FEATURE_ACCESS_DENIED and
 * RATE_LIMITED are seen on Whatalo's pages; the others are our names for the statuses the
 * SDK documents (401, 403, 404, 500) and for transport refusals.
 */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'INVALID_TOKEN'
  | 'INSUFFICIENT_SCOPE'
  | 'FEATURE_ACCESS_DENIED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'VALIDATION_ERROR'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

/** The body of an API v1 error; also used by the fault injector for faulted API paths. */
export function errorBody(code: ApiErrorCode, message: string, details: unknown = {}): Record<string, unknown> {
  return { error: { code, message, details } };
}

export function apiError(status: number, code: ApiErrorCode, message: string, details: unknown = {}, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, errorBody(code, message, details), headers);
}

/** 404 that names what was looked for. Ids of other stores land here too: never leak existence. */
export function notFound(resource: string, id: string): HttpError {
  return apiError(404, 'NOT_FOUND', `${resource} '${id}' not found`, { resource, id });
}

/** 422 with the list of fields at fault. */
export function validationFailed(details: FieldError[], message?: string): HttpError {
  const summary = message ?? details.map((e) => `${e.field}: ${e.message}`).join('; ');
  return apiError(422, 'VALIDATION_ERROR', summary, details);
}

/** 403: the store's plan lacks `feature` (the message as Whatalo words it). */
export function featureDenied(feature: Feature): HttpError {
  return apiError(403, 'FEATURE_ACCESS_DENIED', `"${FEATURE_NAMES[feature]}" requiere un plan premium. Actualiza tu plan para acceder a esta función.`, {
    feature,
  });
}

const TRANSPORT_CODES: Record<number, ApiErrorCode> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** True for a body already in API v1's nested shape. */
function isApiBody(body: Record<string, unknown>): boolean {
  const inner = body.error;
  return typeof inner === 'object' && inner !== null && typeof (inner as { code?: unknown }).code === 'string';
}

/**
 * Re-shapes an HttpError raised by the shared HTTP kit (readBody/readJson speak OAuth's
 * `{error, error_description}`) into the API v1 shape. API errors pass through untouched.
 */
export function asApiError(error: HttpError): HttpError {
  if (isApiBody(error.body)) return error;
  const description = error.body.message ?? error.body.error_description ?? error.message;
  return apiError(error.status, TRANSPORT_CODES[error.status] ?? 'BAD_REQUEST', String(description), {}, error.headers);
}
