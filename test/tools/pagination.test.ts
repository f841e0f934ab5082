/** The opaque cursor: round trips, is bound to its tool and filters, and refuses forgeries by name. */
import { describe, expect, it } from 'vitest';
import { isWhataloError } from '../../src/errors.js';
import { encodeCursor, pageResult, startPosition } from '../../src/tools/pagination.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isWhataloError(error, 'VALIDATION')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cursor', () => {
  it('starts at page 1 with limit, and next_cursor continues with the same page size', () => {
    const first = startPosition('list_products', { limit: 7 }, { status: 'active' });
    expect(first).toMatchObject({ page: 1, per_page: 7 });
    const result = pageResult({ data: [1, 2, 3, 4, 5, 6, 7], pagination: { page: 1, per_page: 7, total: 15, total_pages: 3 } }, first);
    expect(result).toMatchObject({ has_more: true, total: 15 });
    // A later limit does not shift pages under the cursor.
    const second = startPosition('list_products', { cursor: result.next_cursor!, limit: 50 }, { status: 'active' });
    expect(second).toMatchObject({ page: 2, per_page: 7 });
    const last = pageResult({ data: [15], pagination: { page: 3, per_page: 7, total: 15, total_pages: 3 } }, { ...second, page: 3 });
    expect(last).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('is refused, naming cursor, with other filters or another tool', () => {
    const position = startPosition('list_products', { limit: 5 }, { status: 'active' });
    const cursor = encodeCursor({ ...position, page: 2 });
    expect(refusal(() => startPosition('list_products', { cursor, limit: 5 }, { status: 'draft' }))).toMatch(
      /^Invalid argument cursor: it belongs to another list/,
    );
    expect(refusal(() => startPosition('list_customers', { cursor, limit: 5 }, { status: 'active' }))).toMatch(/^Invalid argument cursor/);
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['page 0', Buffer.from(JSON.stringify({ v: 1, page: 0, per_page: 5, key: 'x' })).toString('base64url')],
    ['per_page 500', Buffer.from(JSON.stringify({ v: 1, page: 2, per_page: 500, key: 'x' })).toString('base64url')],
    ['an array', Buffer.from('[1,2]').toString('base64url')],
  ])('a forged cursor (%s) is refused naming cursor', (_why, cursor) => {
    expect(refusal(() => startPosition('list_products', { cursor, limit: 5 }, {}))).toMatch(/^Invalid argument cursor: it is not a cursor this server issued/);
  });
});
