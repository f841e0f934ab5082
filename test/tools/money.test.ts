/** Money in tool texts: grouped, with the currency's own decimals, the currency code after it. */
import { describe, expect, it } from 'vitest';
import { currencyDecimals, formatMoney } from '../../src/tools/money.js';

describe('formatMoney', () => {
  it('writes 2,891.53 MXN, 289,153.00 MXN, 1,200 JPY and 1.250 BHD', () => {
    expect(formatMoney(2891.53, 'MXN')).toBe('2,891.53 MXN');
    expect(formatMoney(289153, 'MXN')).toBe('289,153.00 MXN');
    expect(formatMoney(1200, 'JPY')).toBe('1,200 JPY');
    expect(formatMoney(1.25, 'BHD')).toBe('1.250 BHD');
    expect(formatMoney(null, 'EUR')).toBe('0.00 EUR');
  });

  it("gives the currency's decimals, and two for what is not an ISO 4217 code", () => {
    expect([currencyDecimals('MXN'), currencyDecimals('EUR'), currencyDecimals('JPY'), currencyDecimals('??'), currencyDecimals(null)]).toEqual([
      2, 2, 0, 2, 2,
    ]);
  });

  it('writes what Intl.NumberFormat writes, for amounts that need rounding and amounts that do not', () => {
    const amounts = [0, -0, 0.5, 1.005, 2.675, -1234.5, 999.995, 1e21, 1.5e-7, 123456789.125, Number.MAX_SAFE_INTEGER, -999999.999, NaN, Infinity];
    // Prices as the API sends them (whole, one and two decimals), some off by a float's error, across magnitudes.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      const magnitude = 10 ** Math.floor(next() * 12);
      const cents = Math.round(next() * magnitude * 100) / 100;
      amounts.push(cents, -cents, cents / 10, cents * 1.1, Math.round(next() * magnitude));
    }
    for (const [currency, decimals] of [
      ['MXN', 2],
      ['JPY', 0],
      ['BHD', 3],
    ] as const) {
      const intl = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
      const wrong = amounts.filter((amount) => formatMoney(amount, currency) !== `${intl.format(amount)} ${currency}`);
      expect(wrong.map((amount) => [amount, formatMoney(amount, currency)])).toEqual([]);
    }
  });
});
