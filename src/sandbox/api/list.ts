/**
 * Query strings and pages for API v1 lists: `{data, pagination: {page, per_page, total,
 * total_pages}}`, default 20 per page, at most 100. Bad parameters are a 422 naming the
 * parameter, never silently clamped or ignored: a client that asks for 500 rows and gets
 * 100 without a word would miscount.
 *
 * @see ../../../docs/design.md "API v1", CONTRACT V2
 */
import { validationFailed, type FieldError } from './errors.js';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

export interface Pagination {
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

/** The query of one list request, checked against the parameters that list accepts. */
export interface Query {
  params: URLSearchParams;
  errors: FieldError[];
}

const PAGE_PARAMS = ['page', 'per_page'] as const;

/**
 * Starts reading `url`'s query: unknown or repeated parameters are errors (a misspelt
 * filter such as `category=` must not return the unfiltered list).
 */
export function readQuery(url: URL, filters: readonly string[]): Query {
  const allowed = [...PAGE_PARAMS, ...filters];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (!allowed.includes(key)) errors.push({ field: key, message: `unknown query parameter; allowed are ${allowed.join(', ')}` });
    else if (seen.has(key)) errors.push({ field: key, message: 'must be sent at most once' });
    seen.add(key);
  }
  return { params: url.searchParams, errors };
}

function positiveInteger(q: Query, name: string, fallback: number, max?: number): number {
  const raw = q.params.get(name);
  if (raw === null) return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
    q.errors.push({ field: name, message: 'must be a positive integer' });
    return fallback;
  }
  const value = Number(raw);
  if (max !== undefined && value > max) {
    q.errors.push({ field: name, message: `must be at most ${max}` });
    return fallback;
  }
  return value;
}

/** A string filter, or undefined when absent. An empty value is refused rather than ignored. */
export function stringParam(q: Query, name: string): string | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  if (raw.trim() === '') {
    q.errors.push({ field: name, message: 'must not be empty' });
    return undefined;
  }
  return raw.trim();
}

export function enumParam<T extends string>(q: Query, name: string, values: readonly T[]): T | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  if (!(values as readonly string[]).includes(raw)) {
    q.errors.push({ field: name, message: `must be one of ${values.join(', ')}` });
    return undefined;
  }
  return raw as T;
}

// A calendar date, or a date-time with seconds optional and an explicit zone (Z or ±hh:mm):
// a zone-less time would be read in the server's zone, which a client cannot know.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 instant as epoch ms, or undefined when absent. */
export function dateParam(q: Query, name: string): number | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  const ms = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  // Date.parse rolls 2026-02-31 over to March; a round trip of the date part catches it.
  if (Number.isNaN(ms) || !sameCalendarDate(raw, ms)) {
    q.errors.push({ field: name, message: 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-09-01 or 2026-09-01T12:00:00Z' });
    return undefined;
  }
  return ms;
}

function sameCalendarDate(raw: string, ms: number): boolean {
  if (raw.length !== 10) return true;
  return new Date(ms).toISOString().slice(0, 10) === raw;
}

/** Throws the collected errors as one 422. */
export function finish(q: Query): void {
  if (q.errors.length > 0) throw validationFailed(q.errors);
}

/** Reads page and per_page, then answers the page of `items` (already filtered and sorted). */
export function paginate<T>(q: Query, items: readonly T[]): { data: T[]; pagination: Pagination } {
  const page = positiveInteger(q, 'page', 1);
  const per_page = positiveInteger(q, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  finish(q);
  const start = (page - 1) * per_page;
  return {
    data: items.slice(start, start + per_page),
    pagination: { page, per_page, total: items.length, total_pages: Math.ceil(items.length / per_page) },
  };
}

/** Case- and accent-insensitive form for `q` searches ("cafe" finds "Café"). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** True when any of `fields` contains the folded needle. */
export function matches(needle: string | undefined, ...fields: (string | null)[]): boolean {
  if (needle === undefined) return true;
  const folded = fold(needle);
  return fields.some((f) => f !== null && fold(f).includes(folded));
}

/** Newest first, ties broken by id so pages never overlap or skip. */
export function newestFirst<T extends { created_at: string; id: string }>(a: T, b: T): number {
  return b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id);
}
