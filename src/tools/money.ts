/**
 * Money as tools show it. Amounts are decimal numbers in the currency's main unit, as API v1
 * sends them (289153.5 MXN is 289,153.50 pesos, never centavos); texts write them with
 * thousands separators and the currency's own number of decimals: `2,891.53 MXN`.
 */

import { englishTexts, toolTexts } from './texts.js';

// Building an Intl.NumberFormat costs far more than formatting with one (two per call were
// ~7 % of a tool call's CPU); currencies are few, so each one's decimals and formatter are kept.
const decimalsByCurrency = new Map<string, number>();
const formatterByDecimals = new Map<number, Intl.NumberFormat>();

/** Digits after the decimal point in `currency` (ISO 4217: MXN 2, JPY 0, BHD 3); 2 when unknown. */
export function currencyDecimals(currency: string | null | undefined): number {
  if (!currency) return 2;
  let decimals = decimalsByCurrency.get(currency);
  if (decimals === undefined) {
    try {
      decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      decimals = 2; // not an ISO 4217 code: show cents, as the API's two decimals do
    }
    if (decimalsByCurrency.size < 256) decimalsByCurrency.set(currency, decimals);
  }
  return decimals;
}

/**
 * `2,891.53 MXN`; an amount with no currency is still grouped and rounded. A person reading
 * Spanish gets the i18n core's `$2,891.53 MXN` (Intl, in their locale); English keeps the fast path.
 */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (!englishTexts()) return currency ? toolTexts().money(amount ?? 0, currency) : toolTexts().number(amount ?? 0);
  const decimals = currencyDecimals(currency);
  const value = amount ?? 0;
  const number = exactlyWritten(value, decimals) ?? formatterFor(decimals).format(value);
  return currency ? `${number} ${currency}` : number;
}

function formatterFor(decimals: number): Intl.NumberFormat {
  let formatter = formatterByDecimals.get(decimals);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatterByDecimals.set(decimals, formatter);
  }
  return formatter;
}

/**
 * Intl's text for `amount` when no rounding is involved, written here: a price from the API
 * almost always has no more decimals than its currency, and even a kept Intl formatter costs
 * ~0.4 µs warm (~1.5 µs of a get_product call's CPU in its profile) against ~0.1 µs for this.
 * Intl formats the shortest decimal that reads back as the number, which is what String()
 * writes; when that has more digits than `decimals`, an exponent or a negative zero, the
 * answer is undefined and Intl does the rounding (test/tools/money.test.ts holds the two equal).
 */
function exactlyWritten(amount: number, decimals: number): string | undefined {
  if (!Number.isFinite(amount) || Object.is(amount, -0)) return undefined;
  const text = String(amount);
  if (text.includes('e')) return undefined;
  const dot = text.indexOf('.');
  const fraction = dot === -1 ? '' : text.slice(dot + 1);
  if (fraction.length > decimals) return undefined;
  const sign = amount < 0 ? '-' : '';
  const digits = text.slice(sign.length, dot === -1 ? text.length : dot);
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return decimals === 0 ? `${sign}${grouped}` : `${sign}${grouped}.${fraction.padEnd(decimals, '0')}`;
}
