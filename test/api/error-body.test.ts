/**
 * API v1 error bodies are nested, `{"error":{"code","message","details"}}` (CONTRACT V3), and
 * come from whatever answers (a proxy, a crashed server): each part is read on its own, so a
 * malformed `details` is dropped and named for the log while the rest still makes the message.
 */
import { expect, it } from 'vitest';
import { apiErrorFromAnswer, readErrorBody } from '../../src/api/errors.js';

it('a VALIDATION_ERROR body is read whole: code, message, field errors', () => {
  const read = readErrorBody({ error: { code: 'VALIDATION_ERROR', message: 'Invalid request body', details: [{ field: 'price', message: 'must be >= 0' }] } });
  expect(read).toEqual({
    body: { code: 'VALIDATION_ERROR', message: 'Invalid request body', fieldErrors: [{ field: 'price', message: 'must be >= 0' }] },
    ignored: [],
  });
});

it('FEATURE_ACCESS_DENIED names its feature from details', () => {
  const read = readErrorBody({ error: { code: 'FEATURE_ACCESS_DENIED', message: 'Upgrade required', details: { feature: 'discounts' } } });
  expect(read.body).toEqual({ code: 'FEATURE_ACCESS_DENIED', message: 'Upgrade required', feature: 'discounts' });
});

it('malformed details are dropped and named; the code and message still make the message', () => {
  const read = readErrorBody({ error: { code: 'NOT_FOUND', message: 'Product not found', details: 'oops' } });
  expect(read.ignored).toEqual(['error.details']);
  expect(apiErrorFromAnswer(404, read.body, 'str_1', undefined, { type: 'product', id: '472819365047' }).message).toBe(
    "product '472819365047' not found in store str_1",
  );
});

it('a flat body from a gateway (OAuth-style, or code and message) still gives its code and message', () => {
  expect(readErrorBody({ error: 'invalid_token', error_description: 'expired' }).body).toEqual({ code: 'invalid_token', message: 'expired' });
  expect(readErrorBody({ code: 'bad_request', message: 'no' }).body).toEqual({ code: 'bad_request', message: 'no' });
  expect(apiErrorFromAnswer(400, readErrorBody({ code: 'bad_request', message: 'no' }).body, 'str_1').message).toBe(
    'Whatalo answered HTTP 400 bad_request: no',
  );
});

it('a body that is not an error object is read as empty', () => {
  for (const value of [null, 'oops', [1, 2], 42, { code: 7 }]) expect(readErrorBody(value)).toEqual({ body: {}, ignored: [] });
});
