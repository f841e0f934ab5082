/**
 * What a person reads, in their language: `translator(locale).t('page.done.title')`.
 *
 * One catalog per language with the same keys. en.ts is the reference; `Catalog` is derived
 * from it, so a key missing from es.ts, a key es.ts adds, or a message whose parameters
 * differ fails the type check (and so the build).
 *
 * @see ./locale.ts for how the language is chosen
 */
import { en } from './en.js';
import { es } from './es.js';
import type { Catalog, MessageKey, Reference } from './catalog.js';
import { type Formatter, date, dateTime, money, number, pluralOf } from './format.js';
import { type Language, type Locale, detectLocale } from './locale.js';

export { type Language, type Locale, detectLocale, fromTag, ENGLISH } from './locale.js';
export type { Catalog, MessageKey } from './catalog.js';
export type { Formatter } from './format.js';

type Params<K extends MessageKey> = Reference[K] extends (params: infer P, f: Formatter) => string ? [params: P] : [];

export interface Translator extends Formatter {
  t<K extends MessageKey>(key: K, ...params: Params<K>): string;
}

const CATALOGS: Readonly<Record<Language, Catalog>> = { en, es };

export function translator(locale: Locale = detectLocale()): Translator {
  const catalog = CATALOGS[locale.language];
  const formatter: Formatter = {
    locale,
    number: (value) => number(locale, value),
    money: (amount, currency) => money(locale, amount, currency),
    date: (iso, timeZone) => date(locale, iso, timeZone),
    dateTime: (iso, timeZone) => dateTime(locale, iso, timeZone),
    // Whole numbers, the usual case, need no Intl (~0.2 µs a call on the tool call path): in
    // both catalogs' languages a whole number is "one" exactly when it is 1.
    plural: (count, forms) => ((Number.isInteger(count) ? count === 1 : pluralOf(locale, count) === 'one') ? forms.one : forms.other),
  };
  return {
    ...formatter,
    // One optional argument rather than a rest array: this runs in every tool result.
    t: function t(key: MessageKey, params?: unknown): string {
      const message = catalog[key] as string | ((p: unknown, f: Formatter) => string);
      return typeof message === 'function' ? message(params, formatter) : message;
    } as Translator['t'],
  };
}

/** The catalogs themselves, for the test that every language has every key filled. */
export const CATALOG_LANGUAGES: Readonly<Record<Language, Catalog>> = CATALOGS;
