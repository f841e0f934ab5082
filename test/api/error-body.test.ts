/**
 * API v1 error bodies come from whatever answers (a proxy, a crashed server): each field is
 * checked on its own, so one of the wrong type is dropped and named for the log, and the rest
 * still reach the message.
 */
import { expect, it } from 'vitest';
import { apiErrorFromAnswer, readErrorBody } from '../../src/api/errors.js';

it('a well-formed body is read whole, with nothing ignored', () => {
  const read = readErrorBody({ code: 'not_found', requestId: 'req_1', resourceType: 'product', resourceId: 'prd_1' });
  expect(read).toEqual({ body: { code: 'not_found', requestId: 'req_1', resourceType: 'product', resourceId: 'prd_1' }, ignored: [] });
});

it('a field of the wrong type is dropped and named; the others still make the message', () => {
  const read = readErrorBody({ code: 7, requestId: 'req_2', resourceType: 'product', resourceId: 'prd_9', retryAfter: 'soon' });
  expect(read.ignored.sort()).toEqual(['code', 'retryAfter']);
  expect(read.body).toMatchObject({ code: undefined, requestId: 'req_2', retryAfter: undefined });
  expect(apiErrorFromAnswer(404, read.body, 'str_1').message).toBe("product 'prd_9' not found in store str_1");
});

it('a body that is not an object is read as empty', () => {
  for (const value of [null, 'oops', [1, 2], 42]) expect(readErrorBody(value)).toEqual({ body: {}, ignored: [] });
});
