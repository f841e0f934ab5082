/**
 * Query strings and pages for API v1 lists: `{data, pagination: {page, per_page, total,
 * total_pages}}`, `per_page` default 25, at most 100 (CONTRACT V2).
 *
 * Whatalo does not say what it does with an unknown or malformed filter (V6). The sandbox
 * refuses both with 422 VALIDATION_ERROR naming the parameter (our choice): a client that
 * misspells a filter (`q=` for `search=`) must find out in tests, not get the unfiltered
 * list from Whatalo and miscount.
 *
 * @see ../../../../shared/spec/CONTRACT.md V2, V6
 */
import { validationFailed, type FieldError } from './errors.js';

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;

export interface Pagination {
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

/** The query of one request, checked against the parameters that endpoint accepts. */
export interface Query {
  params: URLSearchParams;
  errors: FieldError[];
  /** The store's IANA time zone: a bare date in a filter is a day there. */
  timezone: string;
}

/**
 * Starts reading `url`'s query: unknown or repeated parameters are errors. `paged` adds
 * `page` and `per_page`.
 */
export function readQuery(url: URL, filters: readonly string[], timezone: string, paged = true): Query {
  const allowed = paged ? ['page', 'per_page', ...filters] : [...filters];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (!allowed.includes(key)) errors.push({ field: key, message: `unknown query parameter; allowed are ${allowed.join(', ') || 'none'}` });
    else if (seen.has(key)) errors.push({ field: key, message: 'must be sent at most once' });
    seen.add(key);
  }
  return { params: url.searchParams, errors, timezone };
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
    q.errors.push({ field: name, message: `must be between 1 and ${max}` });
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

/** A comma-separated list (`category_id=1,2`), each value non-empty. */
export function listParam(q: Query, name: string): string[] | undefined {
  const raw = stringParam(q, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) {
    q.errors.push({ field: name, message: 'must be a comma-separated list with no empty value' });
    return undefined;
  }
  return values;
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

/** A comma-separated list whose values all come from `values`. */
export function enumListParam<T extends string>(q: Query, name: string, values: readonly T[]): T[] | undefined {
  const list = listParam(q, name);
  if (list === undefined) return undefined;
  const bad = list.filter((v) => !(values as readonly string[]).includes(v));
  if (bad.length > 0) {
    q.errors.push({ field: name, message: `unknown value ${bad.join(', ')}; each must be one of ${values.join(', ')}` });
    return undefined;
  }
  return list as T[];
}

/** `true` or `false`. */
export function booleanParam(q: Query, name: string): boolean | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    q.errors.push({ field: name, message: 'must be true or false' });
    return undefined;
  }
  return raw === 'true';
}

/** A number ≥ 0 (a price or a total), or undefined when absent. */
export function numberParam(q: Query, name: string): number | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  const value = /^\d{1,12}(\.\d{1,2})?$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isNaN(value)) {
    q.errors.push({ field: name, message: 'must be a number of at least 0, e.g. 150 or 99.5' });
    return undefined;
  }
  return value;
}

/** `name[gte]` and `name[lte]` as numbers: an inclusive range, either end optional. */
export function numberRange(q: Query, name: string): { gte?: number; lte?: number } {
  const gte = numberParam(q, `${name}[gte]`);
  const lte = numberParam(q, `${name}[lte]`);
  if (gte !== undefined && lte !== undefined && lte < gte) q.errors.push({ field: `${name}[lte]`, message: `must not be less than ${name}[gte]` });
  return { gte, lte };
}

export function inRange(value: number, range: { gte?: number; lte?: number }): boolean {
  return (range.gte === undefined || value >= range.gte) && (range.lte === undefined || value <= range.lte);
}

// A calendar date, or a date-time with seconds optional and an explicit zone (Z or ±hh:mm).
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Minutes east of UTC of `timezone` at `ms` (Intl's "GMT-06:00"). */
function offsetMinutes(timezone: string, ms: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ??
    'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Midnight starting `date` (YYYY-MM-DD) in `timezone`, as epoch ms. */
export function startOfDay(date: string, timezone: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return utc - offsetMinutes(timezone, utc - offsetMinutes(timezone, utc) * 60_000) * 60_000;
}

/**
 * An instant filter. A date-time is exact; a bare date is a day in the store's time zone
 * (Whatalo's pages say neither; our choice, so "orders of 2026-09-01" means the merchant's
 * day): its start for a lower bound, the last millisecond of it for an upper bound.
 */
export function dateParam(q: Query, name: string, end: 'start' | 'end'): number | undefined {
  const raw = q.params.get(name);
  if (raw === null) return undefined;
  let ms = Number.NaN;
  if (DATE.test(raw) && isCalendarDate(raw)) {
    const start = startOfDay(raw, q.timezone);
    ms = end === 'start' ? start : startOfDay(new Date(Date.parse(`${raw}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10), q.timezone) - 1;
  } else if (DATE_TIME.test(raw) && isCalendarDate(raw.slice(0, 10))) {
    ms = Date.parse(raw);
  }
  if (Number.isNaN(ms)) {
    q.errors.push({ field: name, message: 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-09-01 or 2026-09-01T12:00:00Z' });
    return undefined;
  }
  return ms;
}

/** True for a real YYYY-MM-DD day: Date.parse would roll 2026-02-31 over to March. */
function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(date);
}

/** `name[gte]` and `name[lte]` as instants (inclusive). */
export function dateRange(q: Query, name: string): { gte?: number; lte?: number } {
  return { gte: dateParam(q, `${name}[gte]`, 'start'), lte: dateParam(q, `${name}[lte]`, 'end') };
}

/** A time stamp (ISO string or null) inside an instant range; null never is, once a bound is set. */
export function timeInRange(value: string | null, range: { gte?: number; lte?: number }): boolean {
  if (range.gte === undefined && range.lte === undefined) return true;
  return value !== null && inRange(Date.parse(value), range);
}

/** Throws the collected errors as one 422. */
export function finish(q: Query): void {
  if (q.errors.length > 0) throw validationFailed(q.errors);
}

type SortKey<T> = (item: T) => string | number | null;

/**
 * Reads `sort` (one of `keys`, default `fallback`) and `order` (asc|desc, default desc) and
 * sorts; nulls last, ties by id so pages never overlap or skip.
 */
export function sortBy<T extends { id: string }>(q: Query, items: T[], keys: Record<string, SortKey<T>>, fallback: string): T[] {
  const sort = enumParam(q, 'sort', Object.keys(keys)) ?? fallback;
  const order = enumParam(q, 'order', ['asc', 'desc'] as const) ?? 'desc';
  const key = keys[sort]!;
  const sign = order === 'asc' ? 1 : -1;
  const values = new Map(items.map((item) => [item.id, key(item)]));
  return items.sort((a, b) => {
    const x = values.get(a.id) ?? null;
    const y = values.get(b.id) ?? null;
    if (x === null || y === null) return x === y ? a.id.localeCompare(b.id) : x === null ? 1 : -1;
    const c = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y, 'es') : Number(x) - Number(y);
    return sign * c || a.id.localeCompare(b.id);
  });
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

/** `{"data": {"count": N}}` (CONTRACT V2: the count shape is inferred). */
export function countAnswer(q: Query, count: number) {
  finish(q);
  return { body: { data: { count } } };
}

/** Case- and accent-insensitive form for searches ("cafe" finds "Café"). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** True when any of `fields` contains the folded needle. */
export function matches(needle: string | undefined, ...fields: (string | number | null)[]): boolean {
  if (needle === undefined) return true;
  const folded = fold(needle);
  return fields.some((f) => f !== null && fold(String(f)).includes(folded));
}
