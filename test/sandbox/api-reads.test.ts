/** API v1 lists over real HTTP: pagination, bounds, filters and ordering. */
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, PAYMENT_STATUSES, PRODUCT_STATUSES, customerView } from '../../src/sandbox/data.js';
import { call, expectError, useSeededApi } from './api-harness.js';

const seeded = useSeededApi();

const get = (path: string) => call(seeded.api.base, 'GET', path, { token: seeded.token });

/** Walks every page of a list and returns all items, checking pagination on the way. */
async function walk(path: string, perPage: number): Promise<{ id: string; created_at: string }[]> {
  const items: { id: string; created_at: string }[] = [];
  const sep = path.includes('?') ? '&' : '?';
  const firstPage = await get(`${path}${sep}per_page=${perPage}`);
  const { total, total_pages } = firstPage.body.pagination;
  expect(total_pages).toBe(Math.ceil(total / perPage));
  for (let page = 1; page <= total_pages; page++) {
    const reply = await get(`${path}${sep}per_page=${perPage}&page=${page}`);
    expect(reply.body.pagination).toEqual({ page, per_page: perPage, total, total_pages });
    expect(reply.body.data.length).toBe(page < total_pages ? perPage : total - perPage * (total_pages - 1));
    items.push(...reply.body.data);
  }
  expect(items.length).toBe(total);
  expect(new Set(items.map((i) => i.id)).size).toBe(total);
  return items;
}

function expectNewestFirst(items: { id: string; created_at: string }[]) {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!, items[i]!];
    expect(a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id)).toBe(true);
  }
}

describe('pagination', () => {
  it('walks every product exactly once, newest first, with consistent totals', async () => {
    const items = await walk('/products', 7);
    expect(items.length).toBe(seeded.store.products.size);
    expectNewestFirst(items);
    expect((await walk('/customers', 33)).length).toBe(seeded.store.customers.size);
    const orders = await walk('/orders', 100);
    expect(orders.length).toBe(seeded.store.orders.size);
    expectNewestFirst(orders);
    expect((await walk('/categories', 2)).length).toBe(seeded.store.categories.size);
  });

  it('defaults to 20 per page and answers an empty page past the end', async () => {
    const reply = await get('/products');
    expect(reply.body.pagination).toMatchObject({ page: 1, per_page: 20, total: seeded.store.products.size });
    expect(reply.body.data).toHaveLength(20);
    const past = await get('/products?page=99');
    expect(past.body.data).toEqual([]);
    expect(past.body.pagination).toMatchObject({ page: 99, total: seeded.store.products.size });
    expect((await get('/products?per_page=100')).body.data).toHaveLength(Math.min(100, seeded.store.products.size));
  });

  it.each([
    ['per_page=101', 'per_page', 'must be at most 100'],
    ['per_page=0', 'per_page', 'must be a positive integer'],
    ['per_page=-5', 'per_page', 'must be a positive integer'],
    ['page=0', 'page', 'must be a positive integer'],
    ['page=1.5', 'page', 'must be a positive integer'],
    ['page=abc', 'page', 'must be a positive integer'],
    ['page=1&page=2', 'page', 'must be sent at most once'],
    ['sort=name', 'sort', expect.stringContaining('unknown query parameter')],
    ['status=sold', 'status', 'must be one of active, draft, archived'],
    ['q=', 'q', 'must not be empty'],
  ])('refuses ?%s with a 422 naming the parameter', async (query, field, message) => {
    const error = expectError(await get(`/products?${query}`), 422, 'validation_failed');
    expect(error.fieldErrors).toEqual([{ field, message }]);
  });

  it('reports every bad parameter at once', async () => {
    const error = expectError(await get('/orders?status=x&payment_status=y&per_page=500'), 422, 'validation_failed');
    expect(error.fieldErrors.map((e: { field: string }) => e.field).sort()).toEqual(['payment_status', 'per_page', 'status']);
  });
});

describe('filters', () => {
  it.each(PRODUCT_STATUSES)('products by status=%s', async (status) => {
    const items = (await get(`/products?status=${status}&per_page=100`)).body.data as { status: string }[];
    expect(items.length).toBe([...seeded.store.products.values()].filter((p) => p.status === status).length);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.status === status)).toBe(true);
  });

  it('products by category and by q on name (case and accents ignored) or sku', async () => {
    const category = [...seeded.store.categories.values()][0]!;
    const inCategory = (await get(`/products?category_id=${category.id}&per_page=100`)).body;
    expect(inCategory.pagination.total).toBe([...seeded.store.products.values()].filter((p) => p.category_id === category.id).length);
    expect(inCategory.data.every((p: { category_id: string }) => p.category_id === category.id)).toBe(true);

    const cafe = (await get('/products?q=CAFE%20de%20olla')).body.data;
    expect(cafe.map((p: { name: string }) => p.name)).toEqual(['Café de Olla 500 g']);
    const withSku = [...seeded.store.products.values()].find((p) => p.sku !== null)!;
    const bySku = (await get(`/products?q=${withSku.sku!.toLowerCase()}`)).body.data;
    expect(bySku.map((p: { id: string }) => p.id)).toEqual([withSku.id]);
  });

  it('customers by q on name or email, with live order figures', async () => {
    const customer = [...seeded.store.customers.values()].find((c) => customerView(seeded.store, c).orders_count > 0)!;
    const byEmail = (await get(`/customers?q=${encodeURIComponent(customer.email)}`)).body.data;
    expect(byEmail).toEqual([customerView(seeded.store, customer)]);
    expect(byEmail[0].orders_count).toBeGreaterThan(0);
    const surname = customer.name.split(' ')[1]!;
    const byName = (await get(`/customers?q=${encodeURIComponent(surname)}&per_page=100`)).body.data as { name: string }[];
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((c) => c.name.includes(surname))).toBe(true);
    expect((await get(`/customers/${customer.id}`)).body.data).toEqual(customerView(seeded.store, customer));
  });

  it.each(ORDER_STATUSES)('orders by status=%s', async (status) => {
    const body = (await get(`/orders?status=${status}&per_page=100`)).body;
    expect(body.pagination.total).toBe([...seeded.store.orders.values()].filter((o) => o.status === status).length);
    expect(body.data.every((o: { status: string }) => o.status === status)).toBe(true);
  });

  it.each(PAYMENT_STATUSES)('orders by payment_status=%s', async (payment) => {
    const body = (await get(`/orders?payment_status=${payment}&per_page=100`)).body;
    expect(body.pagination.total).toBe([...seeded.store.orders.values()].filter((o) => o.payment_status === payment).length);
    expect(body.pagination.total).toBeGreaterThan(0);
  });

  it('orders by customer and by a half-open creation range', async () => {
    const order = [...seeded.store.orders.values()][100]!;
    const byCustomer = (await get(`/orders?customer_id=${order.customer_id}&per_page=100`)).body.data as { customer_id: string; id: string }[];
    expect(byCustomer.some((o) => o.id === order.id)).toBe(true);
    expect(byCustomer.every((o) => o.customer_id === order.customer_id)).toBe(true);

    const september = await walk('/orders?created_after=2026-09-01&created_before=2026-10-01T00:00:00Z', 50);
    const expected = [...seeded.store.orders.values()].filter((o) => o.created_at >= '2026-09-01' && o.created_at < '2026-10-01');
    expect(september.length).toBe(expected.length);
    expect(september.length).toBeGreaterThan(0);
    expectNewestFirst(september);
    // Exactly at the bounds: created_after includes, created_before excludes.
    const exact = await get(`/orders?created_after=${order.created_at}&created_before=${order.created_at.replace('Z', '+00:00')}`);
    expectError(exact, 422, 'validation_failed');
    const from = (await get(`/orders?customer_id=${order.customer_id}&created_after=${encodeURIComponent(order.created_at)}`)).body.data as { id: string }[];
    expect(from.some((o) => o.id === order.id)).toBe(true);
    const until = (await get(`/orders?customer_id=${order.customer_id}&created_before=${encodeURIComponent(order.created_at)}`)).body.data as { id: string }[];
    expect(until.some((o) => o.id === order.id)).toBe(false);
  });

  it.each(['yesterday', '2026-02-31', '2026-09-01T10:00:00', '1727740800', '2026-13-01'])('refuses created_after=%s', async (value) => {
    const error = expectError(await get(`/orders?created_after=${value}`), 422, 'validation_failed');
    expect(error.fieldErrors[0].field).toBe('created_after');
  });
});
