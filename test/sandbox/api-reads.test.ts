/**
 * API v1 lists over real HTTP: pagination (CONTRACT V2), bounds, every documented filter and
 * sort of products, orders and customers, the counts, and the documented defaults (25 per
 * page; active products only).
 */
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, PAYMENT_STATUSES, customerTotals, customerView, type OrderRecord, type ProductRecord } from '../../src/sandbox/data.js';
import { call, expectError, useSeededApi } from './api-harness.js';

const seeded = useSeededApi();

const get = (path: string) => call(seeded.api.base, 'GET', path, { token: seeded.token });
const products = (): ProductRecord[] => [...seeded.store.products.values()];
const orders = (): OrderRecord[] => [...seeded.store.orders.values()];

interface Item {
  id: string;
  created_at: string;
  [key: string]: any;
}

/** Walks every page of a list and returns all items, checking pagination on the way. */
async function walk(path: string, perPage: number): Promise<Item[]> {
  const items: Item[] = [];
  const sep = path.includes('?') ? '&' : '?';
  const firstPage = await get(`${path}${sep}per_page=${perPage}`);
  expect(firstPage.status, JSON.stringify(firstPage.body)).toBe(200);
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

function expectOrdered(items: Item[], key: string, order: 'asc' | 'desc') {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]![key], items[i]![key]];
    if (a === null || b === null) continue;
    const c = typeof a === 'string' ? a.localeCompare(b, 'es') : a - b;
    expect(order === 'asc' ? c <= 0 : c >= 0, `${key} ${a} then ${b}`).toBe(true);
  }
}

describe('pagination', () => {
  it('walks every record exactly once, newest first, with consistent totals', async () => {
    const items = await walk('/products?status=all', 7);
    expect(items.length).toBe(seeded.store.products.size);
    expectOrdered(items, 'created_at', 'desc');
    expect((await walk('/customers', 33)).length).toBe(seeded.store.customers.size);
    const all = await walk('/orders', 100);
    expect(all.length).toBe(seeded.store.orders.size);
    expect(all.length).toBeGreaterThanOrEqual(520);
    expectOrdered(all, 'created_at', 'desc');
    expect((await walk('/categories', 2)).length).toBe(seeded.store.categories.size);
  });

  it('defaults to 25 per page and answers an empty page past the end', async () => {
    const reply = await get('/orders');
    expect(reply.body.pagination).toMatchObject({ page: 1, per_page: 25, total: seeded.store.orders.size });
    expect(reply.body.data).toHaveLength(25);
    const past = await get('/orders?page=99');
    expect(past.body.data).toEqual([]);
    expect(past.body.pagination).toMatchObject({ page: 99, total: seeded.store.orders.size });
    expect((await get('/orders?per_page=100')).body.data).toHaveLength(100);
  });

  it.each([
    ['per_page=101', 'per_page', 'must be between 1 and 100'],
    ['per_page=0', 'per_page', 'must be a positive integer'],
    ['per_page=-5', 'per_page', 'must be a positive integer'],
    ['page=0', 'page', 'must be a positive integer'],
    ['page=1.5', 'page', 'must be a positive integer'],
    ['page=abc', 'page', 'must be a positive integer'],
    ['page=1&page=2', 'page', 'must be sent at most once'],
    ['q=cafe', 'q', expect.stringContaining('unknown query parameter')],
    ['status=draft', 'status', 'must be one of active, inactive, all'],
    ['sort=popularity', 'sort', 'must be one of name, price, stock_quantity, created_at, updated_at'],
    ['order=up', 'order', 'must be one of asc, desc'],
    ['search=', 'search', 'must not be empty'],
    ['is_featured=yes', 'is_featured', 'must be true or false'],
    ['price[gte]=-1', 'price[gte]', expect.stringContaining('must be a number')],
    ['stock_status=few', 'stock_status', 'must be one of in_stock, low_stock, out_of_stock'],
  ])('refuses ?%s with a 422 naming the parameter', async (query, field, message) => {
    const error = expectError(await get(`/products?${query}`), 422, 'VALIDATION_ERROR');
    expect(error.details).toEqual([{ field, message }]);
  });

  it('reports every bad parameter at once', async () => {
    const error = expectError(await get('/orders?status=x&payment_status=y&per_page=500'), 422, 'VALIDATION_ERROR');
    expect(error.details.map((e: { field: string }) => e.field).sort()).toEqual(['payment_status', 'per_page', 'status']);
  });
});

describe('products: filters and sorts', () => {
  it('shows only active products by default; inactive and all on request', async () => {
    const active = await walk('/products', 100);
    expect(active.length).toBe(products().filter((p) => p.is_active).length);
    expect(active.every((p) => p.is_active)).toBe(true);
    const inactive = await walk('/products?status=inactive', 100);
    expect(inactive.length).toBe(products().filter((p) => !p.is_active).length);
    expect(inactive.length).toBeGreaterThan(0);
    expect((await walk('/products?status=all', 100)).length).toBe(products().length);
    for (const [query, count] of [
      ['', active.length],
      ['?status=inactive', inactive.length],
      ['?status=all', products().length],
    ] as const) {
      expect((await get(`/products/count${query}`)).body).toEqual({ data: { count } });
    }
  });

  it('filters by one or several categories, featured, a price range and stock status', async () => {
    const [a, b] = [...seeded.store.categories.keys()];
    const several = await walk(`/products?status=all&category_id=${a},${b}`, 100);
    expect(several.length).toBe(products().filter((p) => p.category_id === a || p.category_id === b).length);
    expect(new Set(several.map((p) => p.category_id))).toEqual(new Set([a, b]));

    const featured = await walk('/products?status=all&is_featured=true', 100);
    expect(featured.length).toBe(products().filter((p) => p.is_featured).length);
    expect(featured.length).toBeGreaterThan(0);

    const ranged = await walk('/products?status=all&price[gte]=100&price[lte]=250.5', 100);
    expect(ranged.length).toBe(products().filter((p) => p.price >= 100 && p.price <= 250.5).length);
    expect(ranged.every((p) => p.price >= 100 && p.price <= 250.5)).toBe(true);

    const stock = {
      out_of_stock: (p: Item) => p.stock_quantity === 0,
      low_stock: (p: Item) => p.stock_quantity > 0 && p.stock_quantity <= p.low_stock_threshold,
      in_stock: (p: Item) => p.stock_quantity > p.low_stock_threshold,
    };
    for (const [status, test] of Object.entries(stock)) {
      const found = await walk(`/products?status=all&stock_status=${status}`, 100);
      expect(found.length, status).toBeGreaterThan(0);
      expect(found.every(test), status).toBe(true);
      expect(found.length).toBe(products().filter((p) => test(p as unknown as Item)).length);
    }
  });

  it('searches name (case and accents ignored) and sku', async () => {
    const cafe = (await get('/products?status=all&search=CAFE%20de%20olla')).body.data;
    expect(cafe.map((p: Item) => p.name)).toEqual(['Café de Olla 500 g']);
    const withSku = products().find((p) => p.sku !== null)!;
    const bySku = (await get(`/products?status=all&search=${withSku.sku!.toLowerCase()}`)).body.data;
    expect(bySku.map((p: Item) => p.id)).toEqual([withSku.id]);
  });

  it.each(['name', 'price', 'stock_quantity', 'created_at', 'updated_at'])('sorts by %s both ways', async (sort) => {
    for (const order of ['asc', 'desc'] as const) expectOrdered(await walk(`/products?status=all&sort=${sort}&order=${order}`, 100), sort, order);
  });
});

describe('orders: filters and sorts', () => {
  it.each(ORDER_STATUSES)('status=%s, and its count', async (status) => {
    const expected = orders().filter((o) => o.status === status).length;
    const body = (await get(`/orders?status=${status}&per_page=100`)).body;
    expect(body.pagination.total).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    expect(body.data.every((o: Item) => o.status === status)).toBe(true);
    expect((await get(`/orders/count?status=${status}`)).body).toEqual({ data: { count: expected } });
  });

  it('several statuses at once, comma-separated', async () => {
    const body = (await get('/orders?status=pending,confirmed&per_page=1')).body;
    expect(body.pagination.total).toBe(orders().filter((o) => o.status === 'pending' || o.status === 'confirmed').length);
    expect((await get('/orders/count')).body.data.count).toBe(orders().length);
  });

  it.each(PAYMENT_STATUSES)('payment_status=%s', async (payment) => {
    const body = (await get(`/orders?payment_status=${payment}&per_page=1`)).body;
    expect(body.pagination.total).toBe(orders().filter((o) => o.payment_status === payment).length);
    expect(body.pagination.total).toBeGreaterThan(0);
  });

  it('customer, total range, place and search', async () => {
    const order = orders().filter((o) => o.customer_id !== null && o.shipping_address !== null)[100]!;
    const byCustomer = await walk(`/orders?customer_id=${order.customer_id}`, 100);
    expect(byCustomer.some((o) => o.id === order.id)).toBe(true);
    expect(byCustomer.every((o) => o.customer_id === order.customer_id)).toBe(true);

    const totals = await walk('/orders?total[gte]=500&total[lte]=1000', 100);
    expect(totals.length).toBe(orders().filter((o) => o.total >= 500 && o.total <= 1000).length);

    const city = order.shipping_address!.city;
    const inCity = await walk(`/orders?city=${encodeURIComponent(city)}&country_code=mx`, 100);
    expect(inCity.length).toBe(orders().filter((o) => o.shipping_address?.city === city).length);
    expect((await get('/orders?country_code=DO')).body.pagination.total).toBe(0);
    const province = order.shipping_address!.province;
    expect((await get(`/orders?province=${encodeURIComponent(province)}&per_page=1`)).body.pagination.total).toBe(
      orders().filter((o) => o.shipping_address?.province === province).length,
    );
    expect((await get('/orders?country=M%C3%A9xico&per_page=1')).body.pagination.total).toBe(orders().filter((o) => o.shipping_address !== null).length);

    const byNumber = (await get(`/orders?search=${order.order_number}`)).body.data as Item[];
    expect(byNumber.map((o) => o.id)).toContain(order.id);
    const byName = await walk(`/orders?search=${encodeURIComponent(order.customer_name.toUpperCase())}`, 100);
    expect(byName.some((o) => o.id === order.id)).toBe(true);
  });

  it('date_from and date_to are days in the store’s time zone, both included', async () => {
    // Mexico City is UTC-6: the store's 1 September runs from 06:00Z to 06:00Z the next day.
    const september = await walk('/orders?date_from=2026-09-01&date_to=2026-09-30', 100);
    const expected = orders().filter((o) => o.created_at >= '2026-09-01T06:00:00.000Z' && o.created_at < '2026-10-01T06:00:00.000Z');
    expect(september.length).toBe(expected.length);
    expect(september.length).toBeGreaterThan(0);
    // Exact instants are inclusive at both ends.
    const order = orders()[200]!;
    const exact = await walk(`/orders?date_from=${order.created_at}&date_to=${order.created_at}`, 100);
    expect(exact.map((o) => o.id)).toContain(order.id);
    expectError(await get('/orders?date_from=2026-09-02&date_to=2026-09-01'), 422, 'VALIDATION_ERROR');
    const since = await walk(`/orders?updated_at[gte]=${encodeURIComponent('2026-09-25T00:00:00Z')}`, 100);
    expect(since.length).toBe(orders().filter((o) => o.updated_at >= '2026-09-25T00:00:00.000Z').length);
  });

  it.each(['yesterday', '2026-02-31', '2026-09-01T10:00:00', '1727740800', '2026-13-01'])('refuses date_from=%s', async (value) => {
    const error = expectError(await get(`/orders?date_from=${value}`), 422, 'VALIDATION_ERROR');
    expect(error.details[0].field).toBe('date_from');
  });

  it.each(['order_number', 'total', 'created_at', 'updated_at', 'customer_name'])('sorts by %s', async (sort) => {
    const asc = (await get(`/orders?sort=${sort}&order=asc&per_page=100`)).body.data as Item[];
    expectOrdered(asc, sort, 'asc');
    expectOrdered((await get(`/orders?sort=${sort}&per_page=100`)).body.data, sort, 'desc');
  });
});

describe('customers: filters, sorts and derived figures', () => {
  const views = () => {
    const totals = customerTotals(seeded.store);
    return [...seeded.store.customers.values()].map((c) => customerView(c, totals.get(c.id)));
  };

  it('searches name, email and phone, with live order figures', async () => {
    const customer = views().find((c) => c.orders_count > 0 && c.email !== null)!;
    const byEmail = (await get(`/customers?search=${encodeURIComponent(customer.email!)}`)).body.data;
    expect(byEmail).toEqual([customer]);
    expect(customer.total_spent).toBeGreaterThan(0);
    expect(customer.last_order_at).not.toBeNull();
    expect((await get(`/customers/${customer.id}`)).body.data).toEqual(customer);
    const withPhone = views().find((c) => c.phone !== null)!;
    const byPhone = (await get(`/customers?search=${encodeURIComponent(withPhone.phone!)}`)).body.data as Item[];
    expect(byPhone.map((c) => c.id)).toContain(withPhone.id);
  });

  it('ranges of spent and orders, has_orders and last_order_at', async () => {
    const all = views();
    const big = await walk('/customers?total_spent[gte]=3000', 100);
    expect(big.length).toBe(all.filter((c) => c.total_spent >= 3000).length);
    expect(big.length).toBeGreaterThan(0);
    const few = await walk('/customers?orders_count[gte]=1&orders_count[lte]=2', 100);
    expect(few.length).toBe(all.filter((c) => c.orders_count >= 1 && c.orders_count <= 2).length);
    const none = await walk('/customers?has_orders=false', 100);
    expect(none.every((c) => c.orders_count === 0)).toBe(true);
    expect(none.length + (await walk('/customers?has_orders=true', 100)).length).toBe(all.length);
    const recent = await walk('/customers?last_order_at[gte]=2026-09-01T00:00:00Z', 100);
    expect(recent.length).toBe(all.filter((c) => c.last_order_at !== null && c.last_order_at >= '2026-09-01T00:00:00.000Z').length);
    expect((await get('/customers/count')).body).toEqual({ data: { count: all.length } });
  });

  it('best customers first: sort=total_spent', async () => {
    const best = (await get('/customers?sort=total_spent&order=desc&per_page=5')).body.data as Item[];
    const expected = views()
      .map((c) => c.total_spent)
      .sort((a, b) => b - a)
      .slice(0, 5);
    expect(best.map((c) => c.total_spent)).toEqual(expected);
    for (const sort of ['name', 'orders_count', 'last_order_at', 'created_at', 'updated_at']) {
      expectOrdered((await get(`/customers?sort=${sort}&order=asc&per_page=100`)).body.data, sort, 'asc');
    }
  });
});
