/** What counts as a sale: paid, and neither cancelled nor returned; money summed in cents. */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/api/types.js';
import { summarizeSales } from '../../src/tools/orders.js';

let n = 0;
function order(status: Order['status'], payment: Order['payment_status'], items: [string, number, number][], shipping = 0): Order {
  const lines = items.map(([name, quantity, unit_price]) => ({
    product_id: `prd_${name}`,
    name,
    quantity,
    unit_price,
    total: Math.round(quantity * unit_price * 100) / 100,
  }));
  const subtotal = lines.reduce((s, l) => s + l.total, 0);
  n++;
  return {
    id: `ord_${n}`,
    number: n,
    customer_id: 'cus_1',
    customer_name: 'A',
    status,
    payment_status: payment,
    currency: 'EUR',
    items: lines,
    subtotal,
    shipping,
    total: Math.round((subtotal + shipping) * 100) / 100,
    created_at: '2026-09-01T00:00:00Z',
    updated_at: '2026-09-01T00:00:00Z',
  };
}

describe('summarizeSales', () => {
  it('counts only paid orders that are not cancelled or returned, totals with shipping, no float drift', () => {
    const orders = [
      order('completed', 'paid', [['mug', 3, 0.1]], 0.2),
      order('confirmed', 'paid', [
        ['mug', 1, 0.1],
        ['tea', 2, 4.35],
      ]),
      order('pending', 'pending', [['tea', 10, 4.35]]),
      order('cancelled', 'paid', [['tea', 10, 4.35]]),
      order('returned', 'refunded', [['tea', 10, 4.35]]),
      order('completed', 'failed', [['tea', 10, 4.35]]),
    ];
    const summary = summarizeSales(orders, 5);
    expect(summary.order_count).toBe(2);
    expect(summary.revenue).toBe(9.3); // 0.30 + 0.20 shipping + 0.10 + 8.70
    expect(summary.average_order_value).toBe(4.65);
    expect(summary.currency).toBe('EUR');
    expect(summary.top_products).toEqual([
      { product_id: 'prd_tea', name: 'tea', quantity: 2, revenue: 8.7 },
      { product_id: 'prd_mug', name: 'mug', quantity: 4, revenue: 0.4 },
    ]);
    expect(summarizeSales(orders, 1).top_products).toHaveLength(1);
  });

  it('an empty range is zero revenue and no average, not NaN', () => {
    expect(summarizeSales([], 5)).toEqual({ currency: null, revenue: 0, order_count: 0, average_order_value: null, top_products: [] });
  });
});
