/**
 * What a tool is: a value. Name, words for the model, the toolset it belongs to, the one
 * scope it needs, its input and output schemas, its annotations, and a handler that speaks
 * only to the typed API. Everything else — registration, the scope check, sign-in, errors as
 * results, the `tools` listing, read-only mode — is derived from these records.
 */
import { z } from 'zod';
import type { StoreApi } from '../api/client.js';
import type { Store } from '../api/types.js';
import type { Scope } from '../scopes.js';
import type { Toolset } from './catalog.js';

/**
 * MCP tool annotations, every one required: a host decides what to confirm from these, so
 * leaving one to its protocol default (destructive, open world) would be a silent choice.
 * `openWorldHint` is false throughout: the tools reach one merchant's store, a closed domain.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  /** API v1 for the store of the current sign-in; the scope check happens on first use. */
  api: StoreApi;
  /** Aborted when the host cancels the call (`notifications/cancelled`). */
  signal: AbortSignal;
  /**
   * The store (currency, time zone), read once and kept for a while: products and customers
   * carry no currency (CONTRACT V5). Undefined when the sign-in cannot read it (no
   * `read:store`) or Whatalo did not answer: amounts are then shown without a currency.
   */
  store(): Promise<Store | undefined>;
  /**
   * Asks the person a yes/no question before a destructive write (form elicitation). Resolves
   * true at once, without calling `question`, when the host cannot ask or asking is turned
   * off, and when `question` finds nothing to ask (undefined); false for "no", a dismissal
   * or a cancelled form. `question` is lazy because naming
   * the record as the merchant knows it may take a read.
   */
  confirm(question: () => Promise<string | undefined>): Promise<boolean>;
}

/** A result: a short text for the person, and `data` matching the output schema. */
export interface ToolOutput<T> {
  text: string;
  data: T;
}

export interface ToolRecord<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** snake_case, unique. */
  name: string;
  title: string;
  /** For a model: what it does, when it fits, its limits. Facts, never instructions. */
  description: string;
  toolset: Toolset;
  scope: Scope;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  /** API field → argument name, where they differ, so a 422 names the argument the model sent. */
  fieldAliases?: Readonly<Record<string, string>>;
  handler(args: z.output<I>, ctx: ToolContext): Promise<ToolOutput<z.output<O>>>;
}

/** Type-checks one record with its own schemas' types, then lets it join the list. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(record: ToolRecord<I, O>): ToolRecord {
  return record as unknown as ToolRecord;
}

// ---- schema pieces shared by several tools --------------------------------------------

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whatalo's id shapes (CONTRACT V5): records are 12-digit strings, discounts `disc_…`, variants UUIDs. */
export const RECORD_ID = '"472819365047"';

/**
 * An id argument: letters, digits, `_` and `-` only, so it can never change the API path.
 * Checked here rather than listed as a `pattern`: the regex cost 35 bytes of every listing
 * per id argument, and the description's example tells a model the form as well.
 */
export function idArg(what: string, source: string, example = RECORD_ID) {
  return z
    .string()
    .refine((v) => ID.test(v), `must be a ${what} id such as ${example}`)
    .describe(`From ${source}, e.g. ${example}.`);
}

/** True for a string an id argument accepts. */
export function isId(value: string): boolean {
  return ID.test(value);
}

/** Money in the store currency's major unit (CONTRACT V5), two decimals at most. */
export function moneyArg(description?: string) {
  const money = z
    .number()
    .min(0)
    .refine((v) => Math.round(v * 100) / 100 === v, 'must have at most two decimals');
  return description === undefined ? money : money.describe(description);
}

// A calendar date, or a date-time with an explicit zone: a zone-less time would be read in
// the server's zone, which the model cannot know.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2026-02-31 over to March; a round trip of the date part catches it. */
function isRealDate(value: string): boolean {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return false;
  return value.length !== 10 || new Date(ms).toISOString().slice(0, 10) === value;
}

/**
 * A date argument. The form is checked here and named in the description, not listed as a
 * `pattern`: ~100 bytes of regex in every listing say less to a model than "ISO 8601".
 */
export function dateArg(description?: string) {
  const date = z
    .string()
    .refine((v) => ISO_8601.test(v), { message: 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-09-01 or 2026-09-01T12:00:00Z', abort: true })
    .refine(isRealDate, 'is not a real date');
  return description === undefined ? date : date.describe(description);
}

/** Rounds a sum of money to cents without float drift from repeated additions. */
export function cents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(value: number): number {
  return value / 100;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One value or several, comma-separated, as API v1 takes them (`status=pending,confirmed`).
 * A string rather than an array: the same words for a model in a fraction of the listing.
 */
export function commaList(check: (part: string) => boolean, what: string, description: string) {
  return z
    .string()
    .max(1000)
    .refine((v) => v.split(',').every((part) => check(part.trim())), `must be ${what}, or several separated by commas`)
    .transform((v) =>
      v
        .split(',')
        .map((part) => part.trim())
        .join(','),
    )
    .describe(description);
}

/** `sort` and `order` of a list, with the fields API v1 sorts that list by. */
export function sortArgs<const S extends readonly [string, ...string[]]>(sorts: S) {
  return { sort: z.enum(sorts).optional(), order: z.enum(['asc', 'desc']).optional() };
}

/** Drops undefined values, so a query or a body sends only what was given (CONTRACT V6). */
export function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
