/**
 * Money as tools show it. Amounts are decimal numbers in the currency's main unit, as API v1
 * sends them (289153.5 MXN is 289,153.50 pesos, never centavos); texts write them with
 * thousands separators and the currency's own number of decimals: `2,891.53 MXN`.
 */

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

/** `2,891.53 MXN`; an amount with no currency is still grouped and rounded. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  const decimals = currencyDecimals(currency);
  let formatter = formatterByDecimals.get(decimals);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatterByDecimals.set(decimals, formatter);
  }
  const number = formatter.format(amount ?? 0);
  return currency ? `${number} ${currency}` : number;
}
