/**
 * Money as tools show it. Amounts are decimal numbers in the currency's main unit, as API v1
 * sends them (289153.5 MXN is 289,153.50 pesos, never centavos); texts write them with
 * thousands separators and the currency's own number of decimals: `2,891.53 MXN`.
 */

/** Digits after the decimal point in `currency` (ISO 4217: MXN 2, JPY 0, BHD 3); 2 when unknown. */
export function currencyDecimals(currency: string | null | undefined): number {
  if (!currency) return 2;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // not an ISO 4217 code: show cents, as the API's two decimals do
  }
}

/** `2,891.53 MXN`; an amount with no currency is still grouped and rounded. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  const decimals = currencyDecimals(currency);
  const number = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(amount ?? 0);
  return currency ? `${number} ${currency}` : number;
}
