/** What counts as a sale: paid, and neither cancelled nor returned; money summed in cents; days are the store's. */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/api/types.js';
import { summarizeSales } from '../../src/tools/orders.js';
import { dayOf, instantOf, startOfDay } from '../../src/tools/time.js';

let n = 0;
function order(status: Order['status'], payment: Order['payment_status'], items: [string, number, number][], shipping = 0, at = '2026-09-01T12:00:00Z'): Order {
  const lines = items.map(([name, quantity, unit_price]) => ({
    product_id: `10000000000${name.length}`,
    product_name: name,
    quantity,
    unit_price,
    total_price: Math.round(quantity * unit_price * 100) / 100,
  }));
  const subtotal = lines.reduce((s, l) => s + l.total_price, 0);
  n++;
  return {
    id: String(819365047000 + n),
    order_number: 1000 + n,
    customer_id: '365047281936',
    customer_name: 'Ana',
    status,
    payment_status: payment,
    currency: 'EUR',
    items: lines,
    subtotal,
    shipping_cost: shipping,
    total: Math.round((subtotal + shipping) * 100) / 100,
    created_at: at,
  };
}

describe('summarizeSales', () => {
  it('counts only paid orders that are not cancelled or returned, totals with shipping, no float drift', () => {
    const orders = [
      order('completed', 'paid', [['mug', 3, 0.1]], 0.2),
      order('confirmed', 'paid', [
        ['mug', 1, 0.1],
        ['teas', 2, 4.35],
      ]),
      order('pending', 'pending', [['teas', 10, 4.35]]),
      order('cancelled', 'paid', [['teas', 10, 4.35]]),
      order('returned', 'refunded', [['teas', 10, 4.35]]),
      order('completed', 'failed', [['teas', 10, 4.35]]),
    ];
    const summary = summarizeSales(orders, 5);
    expect(summary.order_count).toBe(2);
    expect(summary.revenue).toBe(9.3); // 0.30 + 0.20 shipping + 0.10 + 8.70
    expect(summary.average_order_value).toBe(4.65);
    expect(summary.currency).toBe('EUR');
    expect(summary.top_products).toEqual([
      { product_id: '100000000004', name: 'teas', quantity: 2, revenue: 8.7 },
      { product_id: '100000000003', name: 'mug', quantity: 4, revenue: 0.4 },
    ]);
    expect(summarizeSales(orders, 1).top_products).toHaveLength(1);
  });

  it("puts each order on the store's day, not UTC's", () => {
    // 03:00 UTC on 2 September is still 1 September in Mexico City (UTC-6).
    const late = order('completed', 'paid', [['mug', 1, 10]], 0, '2026-09-02T03:00:00Z');
    expect(summarizeSales([late], 5, 'UTC').by_day).toEqual([{ date: '2026-09-02', orders: 1, revenue: 10 }]);
    expect(summarizeSales([late], 5, 'America/Mexico_City').by_day).toEqual([{ date: '2026-09-01', orders: 1, revenue: 10 }]);
  });

  it('an empty range is zero revenue and no average, not NaN', () => {
    expect(summarizeSales([], 5)).toEqual({ currency: null, revenue: 0, order_count: 0, average_order_value: null, top_products: [], by_day: [] });
  });
});

describe('dates in the store time zone', () => {
  it('a calendar date starts at midnight where the store is, across a DST change', () => {
    expect(new Date(startOfDay('2026-09-01', 'America/Mexico_City')).toISOString()).toBe('2026-09-01T06:00:00.000Z');
    expect(new Date(startOfDay('2026-03-29', 'Europe/Madrid')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay('2026-03-30', 'Europe/Madrid')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(instantOf('2026-09-01T12:00:00Z', 'Europe/Madrid')).toBe(Date.parse('2026-09-01T12:00:00Z'));
    expect(dayOf(Date.parse('2026-03-29T22:30:00Z'), 'Europe/Madrid')).toBe('2026-03-30');
  });
});
