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
});
