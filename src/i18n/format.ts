/**
 * Numbers, money, dates and plurals in a person's locale, through Intl. Formatters are kept
 * per (locale, options): building one costs far more than formatting with it.
 */
import type { Locale } from './locale.js';

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

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();

function kept<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    if (formatters.size < 512) formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * `$2,967.50 MXN`: the currency's narrow symbol in the person's locale, then its ISO code,
 * because `$` alone is the peso, the dollar and a dozen others on Whatalo's stores.
 * An unknown code is written after a plain grouped number.
 */
export function money(locale: Locale, amount: number, currency: string): string {
  let format: Intl.NumberFormat;
  try {
    format = kept(`m|${locale.tag}|${currency}`, () => new Intl.NumberFormat(locale.tag, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }));
  } catch {
    return `${number(locale, amount)} ${currency}`;
  }
  const text = format.format(amount);
  return text.includes(currency) ? text : `${text} ${currency}`;
}

export function number(locale: Locale, value: number): string {
  return kept(`n|${locale.tag}`, () => new Intl.NumberFormat(locale.tag)).format(value);
}

/** `7 dic 2026` / `Dec 7, 2026`, in `timeZone` (the store's) when given. */
export function date(locale: Locale, iso: string | Date, timeZone?: string): string {
  const when = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(when.getTime())) return String(iso);
  return dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }, timeZone).format(when);
}

/** `7 dic 2026, 14:05` / `Dec 7, 2026, 2:05 PM`. */
export function dateTime(locale: Locale, iso: string | Date, timeZone?: string): string {
  const when = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(when.getTime())) return String(iso);
  return dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' }, timeZone).format(when);
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `d|${locale.tag}|${timeZone ?? ''}|${options.hour ? 't' : ''}`;
  try {
    return kept(key, () => new Intl.DateTimeFormat(locale.tag, { ...options, timeZone }));
  } catch {
    // A time zone Intl does not know: the person's own zone rather than no date.
    return kept(`${key}|local`, () => new Intl.DateTimeFormat(locale.tag, options));
  }
}

/** Intl's plural category for `count` (`one`, `other`, …) in the person's language. */
export function pluralOf(locale: Locale, count: number): Intl.LDMLPluralRule {
  return kept(`p|${locale.tag}`, () => new Intl.PluralRules(locale.tag)).select(count);
}
