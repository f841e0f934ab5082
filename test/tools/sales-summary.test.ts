/**
 * get_sales_summary end to end over a fake API v1 on 127.0.0.1: exact over every page of 600+
 * orders (the same figures as a direct computation here), items read per order when the
 * list gives none, days in the store's time zone, and a range past its limit refused with a
 * message instead of partial figures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SUMMARY_ORDERS } from '../../src/tools/orders.js';
import { dayOf } from '../../src/tools/time.js';
import { type FakeApi, type Received, startFakeApi } from '../api/fake-api.js';
import { textOf } from '../helpers/mcp.js';
import { type ToolSession, startToolSession } from './session.js';

const ZONE = 'America/Mexico_City';
const STORE = { id: 'str_8k2m4n6p', name: 'Doña Rosa', currency: 'MXN', timezone: ZONE };
const STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned'] as const;
const PAYMENTS = ['paid', 'paid', 'paid', 'pending', 'refunded', 'failed'] as const;

interface Line {
  product_id: string;
  product_name: string;
  quantity: number;
  unit_price: number;
  total_price: number;
}

/** 1,500 orders over September 2026, every 28 minutes, deterministic. */
function orders() {
  return Array.from({ length: 1500 }, (_, i) => {
    const items: Line[] = Array.from({ length: 1 + (i % 3) }, (_, j) => {
      const product = (i * 7 + j * 3) % 11;
      const quantity = 1 + ((i + j) % 4);
      const unit_price = 49.9 + product * 10.35;
      return {
        product_id: String(472819365000 + product),
        product_name: `Producto ${product}`,
        quantity,
        unit_price,
        total_price: Math.round(quantity * unit_price * 100) / 100,
      };
    });
    const shipping_cost = i % 5 === 0 ? 99 : 0;
    const subtotal = items.reduce((s, l) => s + Math.round(l.total_price * 100), 0) / 100;
    return {
      id: String(819365040000 + i),
      order_number: 1000 + i,
      status: STATUSES[i % 6]!,
      payment_status: PAYMENTS[(i * 5) % 6]!,
      currency: 'MXN',
      customer_name: `Cliente ${i % 40}`,
      subtotal,
      shipping_cost,
      total: Math.round((subtotal + shipping_cost) * 100) / 100,
      created_at: new Date(Date.parse('2026-09-01T06:00:00Z') + i * 28 * 60_000).toISOString(),
      items,
    };
  });
}
const ALL = orders();

/** GET /orders with payment_status, date_from/date_to (inclusive) and pages, without items; /orders/{id}/items paged. */
function route(req: Received) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/v1/store') return { body: { data: STORE } };
  const page = Number(url.searchParams.get('page') ?? 1);
  const perPage = Number(url.searchParams.get('per_page') ?? 25);
  const pageOf = <T>(list: T[]) => ({
    body: {
      data: list.slice((page - 1) * perPage, page * perPage),
      pagination: { page, per_page: perPage, total: list.length, total_pages: Math.ceil(list.length / perPage) },
    },
  });
  const items = /^\/v1\/orders\/(\d+)\/items$/.exec(url.pathname);
  if (items) return pageOf(ALL.find((o) => o.id === items[1])!.items);
  if (url.pathname === '/v1/orders') {
    const from = url.searchParams.get('date_from');
    const to = url.searchParams.get('date_to');
    const payment = url.searchParams.get('payment_status');
    const found = ALL.filter((o) => (!payment || o.payment_status === payment) && (!from || o.created_at >= from) && (!to || o.created_at <= to)).map(
      ({ items: _items, ...order }) => order,
    );
    return pageOf(found);
  }
  return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no' } } };
}

let api: FakeApi;
let session: ToolSession;
afterEach(async () => {
  await session?.close();
  await api?.close();
});

describe('get_sales_summary', () => {
  it('over 600+ paid orders gives exactly the figures of a direct computation, by the store day', async () => {
    api = await startFakeApi(route);
    session = await startToolSession({ apiBase: api.apiBase });
    const result = await session.call('get_sales_summary', { from: '2026-09-03', to: '2026-09-28', top: 3 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const data = result.structuredContent as Record<string, any>;

    // Direct: paid, not cancelled or returned, created from 3 to 28 September in Mexico City.
    const from = Date.parse('2026-09-03T06:00:00Z');
    const to = Date.parse('2026-09-28T06:00:00Z');
    const counted = ALL.filter((o) => {
      const at = Date.parse(o.created_at);
      return at >= from && at < to && o.payment_status === 'paid' && o.status !== 'cancelled' && o.status !== 'returned';
    });
    const paidInRange = ALL.filter((o) => o.payment_status === 'paid' && Date.parse(o.created_at) >= from && Date.parse(o.created_at) < to);
    expect(paidInRange.length).toBeGreaterThan(500);
    const cents = counted.reduce((s, o) => s + Math.round(o.total * 100), 0);
    expect(data).toMatchObject({ currency: 'MXN', timezone: ZONE, order_count: counted.length, revenue: cents / 100 });
    expect(data.average_order_value).toBe(Math.round(cents / counted.length) / 100);
    const byProduct = new Map<string, { quantity: number; cents: number }>();
    for (const o of counted)
      for (const l of o.items) {
        const e = byProduct.get(l.product_name) ?? { quantity: 0, cents: 0 };
        e.quantity += l.quantity;
        e.cents += Math.round(l.total_price * 100);
        byProduct.set(l.product_name, e);
      }
    const best = [...byProduct.entries()].sort((a, b) => b[1].cents - a[1].cents).slice(0, 3);
    expect(data.top_products.map((p: { name: string; revenue: number; quantity: number }) => [p.name, p.revenue, p.quantity])).toEqual(
      best.map(([name, e]) => [name, e.cents / 100, e.quantity]),
    );
    const days = new Map<string, number>();
    for (const o of counted) days.set(dayOf(Date.parse(o.created_at), ZONE), (days.get(dayOf(Date.parse(o.created_at), ZONE)) ?? 0) + 1);
    expect(data.by_day.map((d: { date: string; orders: number }) => [d.date, d.orders])).toEqual([...days.entries()].sort());
    expect(data.by_day[0].date).toBe('2026-09-03');
    expect(textOf(result)).toMatch(new RegExp(`^${counted.length} paid orders from 2026-09-03 to 2026-09-28 \\(${ZONE}\\): revenue [\\d,]+\\.\\d{2} MXN`));
    // Every page once, each counted order's items once.
    expect(api.count('GET', '/v1/orders')).toBe(Math.ceil(paidInRange.length / 100));
  });

  it(`a range holding more than ${MAX_SUMMARY_ORDERS} paid orders is refused with a message, not answered partly`, async () => {
    api = await startFakeApi((req) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/v1/store') return { body: { data: STORE } };
      return { body: { data: [], pagination: { page: 1, per_page: 100, total: 2600, total_pages: 26 } } };
    });
    session = await startToolSession({ apiBase: api.apiBase });
    const result = await session.call('get_sales_summary', { from: '2025-01-01', to: '2026-01-01' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `The range from 2025-01-01 to 2026-01-01 holds 2600 paid orders, more than the ${MAX_SUMMARY_ORDERS} one summary reads, so no partial ` +
        'figures are given. Ask for a shorter range (e.g. one month at a time) and add them up.',
    );
    expect(api.count('GET', '/v1/orders')).toBe(1);
  });
});
