/**
 * The catalog's shape, derived from the English reference: every key of en.ts, each with the
 * same kind of message (a string, or a function of the same parameters). Its own module so
 * en.ts, es.ts and index.ts import it without importing each other.
 */
import type { en } from './en.js';

export type Reference = typeof en;
export type MessageKey = keyof Reference;
export type Catalog = { readonly [K in MessageKey]: Reference[K] extends string ? string : Reference[K] };
