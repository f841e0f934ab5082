/**
 * Paging for list tools: the model sees an opaque `cursor` and a `limit`, never page
 * numbers. A cursor is base64url JSON `{v, page, per_page, key}`, where `key` digests the
 * tool and its filters, so a cursor reused with other filters is refused instead of quietly
 * paging through a different list. Lists never truncate silently: every answer says
 * `has_more` and, when there is more, gives `next_cursor`.
 *
 * @see ../../docs/design.md "API v1" (pagination); CONTRACT V2
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Page, Pagination } from '../api/types.js';
import { MAX_PER_PAGE } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { toolTexts } from './texts.js';

export const DEFAULT_LIMIT = 20;

/** The two paging arguments every list tool takes. */
export const pageArgs = {
  cursor: z.string().min(1, 'must not be empty; omit it for the first page').max(512).optional(),
  limit: z.number().int().min(1).max(MAX_PER_PAGE).default(DEFAULT_LIMIT),
};

/** The output every list tool answers: an object, never a bare array. */
export function listOutput<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
    total: z.number().int().optional(),
  });
}

export interface PagePosition {
  page: number;
  per_page: number;
  key: string;
}

function filterKey(tool: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([
    tool,
    Object.keys(filters)
      .sort()
      .map((k) => [k, filters[k] ?? null]),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, page: position.page, per_page: position.per_page, key: position.key })).toString('base64url');
}

function badCursor(reason: string): WhataloError {
  return new WhataloError('VALIDATION', `Invalid argument cursor: ${reason}`, { details: { field: 'cursor' } });
}

/** What a cursor this server issued decodes to (see encodeCursor). */
const cursorSchema = z.object({
  v: z.literal(1),
  page: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  per_page: z.number().int().min(1).max(MAX_PER_PAGE),
  key: z.string(),
});

const NOT_OURS = 'it is not a cursor this server issued; use next_cursor exactly as returned, or omit cursor for the first page';

function decodeCursor(cursor: string): PagePosition {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor(NOT_OURS);
  }
  // Which field was wrong is not said: a cursor is opaque to the model, and all it can do is use the one it was given.
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) throw badCursor(NOT_OURS);
  return { page: parsed.data.page, per_page: parsed.data.per_page, key: parsed.data.key };
}

/**
 * Where this call starts: page 1 at `limit`, or where `cursor` points. Throws a VALIDATION
 * error naming `cursor` when it is malformed or belongs to another tool or other filters.
 */
export function startPosition(tool: string, args: { cursor?: string | undefined; limit: number }, filters: Record<string, unknown>): PagePosition {
  const key = filterKey(tool, filters);
  if (args.cursor === undefined) return { page: 1, per_page: args.limit, key };
  const position = decodeCursor(args.cursor);
  if (position.key !== key) {
    throw badCursor(`it belongs to another list (different tool or filters); repeat the filters of the call that returned it, or omit cursor`);
  }
  return position;
}

/** The list tool's answer for one API page. */
export function pageResult<T>(page: Page<T>, position: PagePosition): { items: T[]; next_cursor: string | null; has_more: boolean; total: number } {
  const has_more = hasMore(page.pagination, position);
  return {
    items: page.data,
    next_cursor: has_more ? encodeCursor({ ...position, page: position.page + 1 }) : null,
    has_more,
    total: page.pagination.total,
  };
}

function hasMore(pagination: Pagination, position: PagePosition): boolean {
  if (Number.isSafeInteger(pagination.total_pages)) return position.page < pagination.total_pages;
  return position.page * position.per_page < pagination.total;
}

/** "Showing 21–40 of 57 products." — the text part of a list result; `noun` in the person's language. */
export function pageSummary(noun: string, result: { items: unknown[]; has_more: boolean; total: number }, position: PagePosition): string {
  const { t } = toolTexts();
  if (result.items.length === 0) return result.total === 0 ? t('tool.page.empty', { noun }) : t('tool.page.pastEnd', { noun, total: result.total });
  const first = (position.page - 1) * position.per_page + 1;
  const last = first + result.items.length - 1;
  return t('tool.page.showing', { noun, first, last, total: result.total, more: result.has_more });
}
