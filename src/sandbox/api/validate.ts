/**
 * Strict checks for API v1 request bodies. Every problem with a body is collected into one
 * 422 with `fieldErrors`, so a caller fixes all fields in one round trip; nothing is coerced
 * (a price sent as "12.50" is refused, not parsed).
 */
import { validationFailed, type FieldError } from './errors.js';

export type Body = Record<string, unknown>;

/** Collects field errors while a body is read; `done()` throws them as one 422. */
export interface Checker {
  body: Body;
  errors: FieldError[];
}

/**
 * Starts checking `body`: it must be a JSON object whose keys are all in `allowed`.
 * An unknown key is an error (a typo such as `categoryId` must not be silently dropped).
 */
export function check(body: unknown, allowed: readonly string[]): Checker {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) errors.push({ field: key, message: `unknown field; allowed fields are ${allowed.join(', ')}` });
  }
  return { body: body as Body, errors };
}

/** Throws the collected errors, if any. */
export function done(c: Checker): void {
  if (c.errors.length > 0) throw validationFailed(c.errors);
}

/** For PATCH: at least one field must be sent. */
export function requireSome(c: Checker, fields: readonly string[]): void {
  if (!fields.some((f) => Object.hasOwn(c.body, f))) {
    c.errors.push({ field: 'body', message: `send at least one of ${fields.join(', ')}` });
  }
}

interface FieldOptions {
  required?: boolean;
  nullable?: boolean;
}

/** A reader's complaint about one value; caught by `field` and recorded under the field's name. */
class Problem {
  constructor(readonly message: string) {}
}
function fail(message: string): never {
  throw new Problem(message);
}

/** Runs `read` on the field's value when present; records "required" or "cannot be null" itself. */
function field<T>(c: Checker, name: string, opts: FieldOptions, read: (value: unknown) => T): T | null | undefined {
  if (!Object.hasOwn(c.body, name)) {
    if (opts.required) c.errors.push({ field: name, message: 'is required' });
    return undefined;
  }
  const value = c.body[name];
  if (value === null) {
    if (opts.nullable) return null;
    c.errors.push({ field: name, message: 'cannot be null' });
    return undefined;
  }
  try {
    return read(value);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    c.errors.push({ field: name, message: error.message });
    return undefined;
  }
}

/** A trimmed string, non-empty, at most `max` characters. */
export function text(c: Checker, name: string, max: number, opts: FieldOptions = {}): string | null | undefined {
  return field(c, name, opts, (value) => {
    if (typeof value !== 'string') fail('must be a string');
    const trimmed = value.trim();
    if (trimmed === '') fail('must not be empty');
    if (trimmed.length > max) fail(`must be at most ${max} characters`);
    return trimmed;
  });
}

/** Largest amount accepted; keeps cents arithmetic far inside exact double range. */
const MAX_MONEY = 10_000_000;

/** Money: a JSON number, not negative, with at most two decimals. */
export function money(c: Checker, name: string, opts: FieldOptions = {}): number | null | undefined {
  return field(c, name, opts, (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
    if (value < 0) fail('must not be negative');
    if (value > MAX_MONEY) fail(`must be at most ${MAX_MONEY}`);
    if (Math.round(value * 100) / 100 !== value) fail('must have at most two decimals');
    return value;
  });
}

/** An integer (JSON number with no fraction) within bounds. */
export function integer(c: Checker, name: string, bounds: { min: number; max: number; nonZero?: boolean }, opts: FieldOptions = {}): number | null | undefined {
  return field(c, name, opts, (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail('must be an integer');
    if (bounds.nonZero && value === 0) fail('must not be zero');
    if (value < bounds.min || value > bounds.max) fail(`must be between ${bounds.min} and ${bounds.max}`);
    return value;
  });
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(c: Checker, name: string, values: readonly T[], opts: FieldOptions = {}): T | null | undefined {
  return field(c, name, opts, (value) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      fail(`must be one of ${values.join(', ')}`);
    }
    return value as T;
  });
}

/** A JSON boolean. */
export function bool(c: Checker, name: string, opts: FieldOptions = {}): boolean | null | undefined {
  return field(c, name, opts, (value) => {
    if (typeof value !== 'boolean') fail('must be true or false');
    return value;
  });
}

/** A list of at most `max` non-empty strings (ids, image URLs). */
export function stringList(c: Checker, name: string, max: number, opts: FieldOptions = {}): string[] | null | undefined {
  return field(c, name, opts, (value) => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '' || v.length > 2048)) fail('must be a list of non-empty strings');
    if (value.length > max) fail(`must have at most ${max} entries`);
    return [...new Set((value as string[]).map((v) => v.trim()))];
  });
}

/** An ISO 8601 date-time with a zone, returned normalised (toISOString). */
export function dateTime(c: Checker, name: string, opts: FieldOptions = {}): string | null | undefined {
  return field(c, name, opts, (value) => {
    const message = 'must be an ISO 8601 date-time, e.g. 2026-12-24T00:00:00Z';
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) fail(message);
    const ms = Date.parse(value);
    // Date.parse rolls 2026-02-31 over to March: the calendar date must survive a round trip.
    const day = Date.parse(`${value.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(ms) || Number.isNaN(day) || !new Date(day).toISOString().startsWith(value.slice(0, 10))) fail(message);
    return new Date(ms).toISOString();
  });
}

/** Records an error found by a check that needs the store (e.g. an unknown category). */
export function reject(c: Checker, name: string, message: string): void {
  c.errors.push({ field: name, message });
}
