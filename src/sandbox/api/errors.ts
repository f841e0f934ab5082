/**
 * API v1 error answers. Route code throws these; the handler in ../api.ts adds `requestId`
 * and the rate-limit headers, and the router's one error handler sends them.
 *
 * @see ../../../docs/design.md "API v1" (errors), CONTRACT V6
 */
import { HttpError } from '../http.js';

export interface FieldError {
  field: string;
  message: string;
}

/** The stable codes of API v1 error bodies; the first eight are in docs/design.md. */
export type ApiErrorCode =
  | 'unauthorized'
  | 'insufficient_scope'
  | 'store_mismatch'
  | 'not_found'
  | 'validation_failed'
  | 'quantity_conflict'
  | 'rate_limited'
  | 'internal_error'
  // Transport-level refusals the table does not name; kept distinct so a client can tell them apart.
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'method_not_allowed';

/** An API v1 error: `{statusCode, code, message, ...extra}`; `requestId` is added on the way out. */
export function apiError(
  statusCode: number,
  code: ApiErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpError {
  return new HttpError(statusCode, { statusCode, code, message, ...extra }, headers);
}

/** 404 that names what was looked for. Ids of other stores land here too: never leak existence. */
export function notFound(resourceType: string, resourceId: string): HttpError {
  return apiError(404, 'not_found', `${resourceType} '${resourceId}' not found in this store`, { resourceType, resourceId });
}

/** 422 with the list of fields at fault. */
export function validationFailed(fieldErrors: FieldError[], message?: string): HttpError {
  const summary = message ?? fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return apiError(422, 'validation_failed', summary, { fieldErrors });
}

const TRANSPORT_CODES: Record<number, ApiErrorCode> = {
  400: 'invalid_request',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Re-shapes an HttpError raised by the shared HTTP kit (readBody/readJson speak OAuth's
 * `{error, error_description}`) into the API v1 envelope. API errors pass through untouched.
 */
export function asApiError(error: HttpError): HttpError {
  if (typeof error.body.statusCode === 'number' && typeof error.body.code === 'string') return error;
  const description = error.body.message ?? error.body.error_description ?? error.message;
  return apiError(error.status, TRANSPORT_CODES[error.status] ?? 'invalid_request', String(description), {}, error.headers);
}
