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
import { date, dateTime, money, number, pluralOf } from './format.js';
import { type Language, type Locale, detectLocale } from './locale.js';

export { type Language, type Locale, detectLocale, fromTag, ENGLISH } from './locale.js';

type Reference = typeof en;
export type MessageKey = keyof Reference;

/** Every key of en.ts, each with the same kind of message (a string, or a function of the same parameters). */
export type Catalog = { readonly [K in MessageKey]: Reference[K] extends string ? string : Reference[K] };

type Params<K extends MessageKey> = Reference[K] extends (params: infer P, f: Formatter) => string ? [params: P] : [];

/** The person's numbers, money, dates and plurals, handed to catalog messages. */
export interface Formatter {
  readonly locale: Locale;
  number(value: number): string;
  /** `$2,967.50 MXN` */
  money(amount: number, currency: string): string;
  /** `7 dic 2026`, in the store's time zone when given. */
  date(iso: string | Date, timeZone?: string): string;
  dateTime(iso: string | Date, timeZone?: string): string;
  /** Picks `one` or `other` by Intl's plural rules for `count` (Spanish and English need no more). */
  plural(count: number, forms: { one: string; other: string }): string;
}

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
    plural: (count, forms) => (pluralOf(locale, count) === 'one' ? forms.one : forms.other),
  };
  return {
    ...formatter,
    t(key, ...params) {
      const message = catalog[key] as string | ((p: unknown, f: Formatter) => string);
      return typeof message === 'function' ? message(params[0], formatter) : message;
    },
  };
}

/** The catalogs themselves, for the test that every language has every key filled. */
export const CATALOG_LANGUAGES: Readonly<Record<Language, Catalog>> = CATALOGS;
