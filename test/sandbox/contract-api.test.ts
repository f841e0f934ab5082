/**
 * CONTRACT §4 (API v1) row by row against a real sandbox over HTTP, with tokens from the
 * sandbox's own authorization server (DCR, consent, PKCE, `resource` = the API's origin):
 * V1…V6, then each resource's table row (store, products, inventory, categories, orders,
 * customers, discounts). A row counts in the figures line (`contract rows covered`) once
 * every test of its `describe` has passed.
 *
 * @see ../../../shared/spec/CONTRACT.md §4
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, joinScopes, type Scope } from '../../src/scopes.js';
import { ORDER_TRANSITIONS } from '../../src/sandbox/data.js';
import { suiteFigures } from '../helpers/figures.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { call, expectError, type CallOptions, type Reply } from './api-harness.js';
import { register, signIn, type RegisteredClient } from './as-kit.js';

const figures = suiteFigures('contract: API v1');

let sb: TestSandbox;
let client: RegisteredClient;
const tokens = new Map<string, string>();

beforeAll(async () => {
  sb = await startTestSandbox();
  client = await register(sb, { token_endpoint_auth_method: 'none', scope: joinScopes(ALL_SCOPES) });
});
afterAll(() => sb?.close());

/** A token for `scopes` on store `index`, asked for with the API's resource (A15: its origin). */
async function tokenFor(scopes: readonly Scope[] = ALL_SCOPES, index = 0): Promise<string> {
  const key = `${index} ${joinScopes(scopes)}`;
  let token = tokens.get(key);
  if (!token) {
    const answer = await signIn(sb, client, { scope: joinScopes(scopes), storeId: sb.stores[index]!.id, extra: { resource: new URL(sb.apiBase).origin } });
    token = answer.access_token;
    tokens.set(key, token);
  }
  return token;
}

async function api(method: string, path: string, options: CallOptions & { store?: number } = {}): Promise<Reply> {
  return call(sb.apiBase, method, path, { token: options.token ?? (await tokenFor(ALL_SCOPES, options.store ?? 0)), ...options });
}
const get = (path: string, store = 0) => api('GET', path, { store });
const data = async (path: string, store = 0) => {
  const reply = await get(path, store);
  expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(200);
  return reply.body.data;
};

/** A CONTRACT row: its tests, counted once in the figures when all of them passed. */
function row(id: string, statement: string, body: (test: (name: string, fn: () => Promise<void>) => void) => void): void {
  describe(`${id}: ${statement}`, () => {
    let registered = 0;
    let passed = 0;
    body((name, fn) => {
      registered++;
      it(name, async () => {
        await fn();
        passed++;
      });
    });
    afterAll(() => {
      if (registered > 0 && passed === registered) figures.add('contractRows');
    });
  });
}

const NUMERIC_ID = /^[1-9]\d{11}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const keys = (o: object) => Object.keys(o).sort();

const STORE_FIELDS = [
  'id', 'name', 'slug', 'description', 'currency', 'country_code', 'status', 'maintenance_mode', 'store_title', 'custom_domain',
  'domain_verified', 'has_custom_domain', 'is_active', 'storefront_url', 'plan_name', 'timezone', 'created_at', 'updated_at',
]; // prettier-ignore
const PRODUCT_FIELDS = [
  'id', 'name', 'slug', 'description', 'price', 'compare_price', 'main_image', 'gallery', 'is_active', 'is_featured', 'sku',
  'track_inventory', 'stock_quantity', 'low_stock_threshold', 'continue_selling', 'supplier_cost', 'wholesale_price',
  'wholesale_min_quantity', 'condition', 'invoice_available', 'fast_shipping', 'warranty_months', 'category_id', 'is_purchasable',
  'has_discount', 'discount_percentage', 'variants', 'created_at', 'updated_at',
]; // prettier-ignore
const INVENTORY_FIELDS = ['product_id', 'sku', 'stock_quantity', 'track_inventory', 'low_stock_threshold', 'continue_selling_when_out_of_stock', 'variants'];
const INVENTORY_VARIANT_FIELDS = [
  'variant_id', 'variant_type', 'variant_value', 'sku', 'stock_quantity', 'track_inventory', 'low_stock_threshold', 'continue_selling_when_out_of_stock',
]; // prettier-ignore
const CATEGORY_FIELDS = ['id', 'name', 'slug', 'is_active', 'created_at'];
const ORDER_FIELDS = [
  'id', 'order_number', 'status', 'payment_status', 'payment_method', 'shipping_method', 'currency', 'customer_id', 'customer_name',
  'customer_phone', 'customer_email', 'subtotal', 'discount_amount', 'shipping_cost', 'tax_amount', 'total', 'customer_notes',
  'internal_notes', 'shipping_address', 'country_code', 'is_pending', 'is_completed', 'is_cancellable', 'item_count', 'is_fully_paid',
  'completed_at', 'created_at', 'updated_at', 'items',
]; // prettier-ignore
const ADDRESS_FIELDS = ['name', 'phone', 'address', 'city', 'province', 'country', 'postal_code', 'notes'];
const ITEM_FIELDS = ['id', 'product_id', 'variant_id', 'product_name', 'variant_name', 'quantity', 'unit_price', 'total_price', 'created_at'];
const CUSTOMER_FIELDS = [
  'id', 'name', 'email', 'phone', 'notes', 'has_email', 'has_phone', 'display_contact', 'orders_count', 'total_spent', 'last_order_at',
  'last_order_id', 'created_at', 'updated_at',
]; // prettier-ignore
const DISCOUNT_FIELDS = [
  'id', 'code', 'type', 'value', 'min_order_amount', 'max_uses', 'current_uses', 'starts_at', 'expires_at', 'is_active', 'applies_to_all',
  'applicable_product_ids', 'applicable_category_ids', 'is_expired', 'is_usable', 'has_usage_limit', 'created_at', 'updated_at',
]; // prettier-ignore

row('V1', 'Bearer token on the API base; the token alone selects the store', (test) => {
  test('the API lives under /api/v1 (the sandbox’s stand-in for https://api.whatalo.com/v1) and takes Authorization: Bearer', async () => {
    expect(sb.apiBase).toBe(`${sb.issuer}/api/v1`);
    expect((await api('GET', '/store')).status).toBe(200);
    expectError(await call(sb.apiBase, 'GET', '/store'), 401, 'UNAUTHORIZED');
    expectError(await call(sb.apiBase, 'GET', '/store', { headers: { 'x-api-key': 'wk_test_123' } }), 401, 'UNAUTHORIZED');
  });

  test('two tokens for two stores see two stores, with no store header; a header naming another store changes nothing', async () => {
    const a = await data('/store', 0);
    const b = await data('/store', 1);
    expect([a.id, b.id]).toEqual([sb.stores[0]!.id, sb.stores[1]!.id]);
    const crossed = await api('GET', '/store', { store: 0, headers: { 'x-whatalo-store-id': b.id } });
    expect(crossed.body.data.id).toBe(a.id);
  });

  test('a token issued for another resource is refused, and so is a token in the URL', async () => {
    const other = await signIn(sb, client, { scope: 'read:store', storeId: sb.stores[0]!.id, extra: { resource: 'https://mcp.example.com/' } });
    expectError(await call(sb.apiBase, 'GET', '/store', { token: other.access_token }), 401, 'INVALID_TOKEN');
    const token = await tokenFor();
    expectError(await call(sb.apiBase, 'GET', `/store?access_token=${token}`), 401, 'UNAUTHORIZED');
  });
});

row('V2', 'one object is {data}; a list is {data, pagination}, 25 per page by default, at most 100; a count is {data: {count}}', (test) => {
  test('one object', async () => {
    const reply = await get('/store');
    expect(keys(reply.body)).toEqual(['data']);
    expect(reply.body.data.id).toMatch(/^str_/);
  });

  test('a list, its pagination and its bounds', async () => {
    const reply = await get('/orders');
    expect(keys(reply.body)).toEqual(['data', 'pagination']);
    const { page, per_page, total, total_pages } = reply.body.pagination;
    expect({ page, per_page }).toEqual({ page: 1, per_page: 25 });
    expect(reply.body.data).toHaveLength(25);
    expect(total_pages).toBe(Math.ceil(total / 25));
    expect((await get('/orders?per_page=100&page=2')).body.pagination).toEqual({ page: 2, per_page: 100, total, total_pages: Math.ceil(total / 100) });
    expectError(await get('/orders?per_page=101'), 422, 'VALIDATION_ERROR');
    expectError(await get('/orders?page=0'), 422, 'VALIDATION_ERROR');
  });

  test('counts', async () => {
    for (const path of ['/products/count', '/orders/count', '/customers/count']) {
      const reply = await get(path);
      expect(reply.body).toEqual({ data: { count: expect.any(Number) } });
    }
    expect((await data('/orders/count')).count).toBe((await get('/orders')).body.pagination.total);
  });
});

row('V3', 'errors are nested {error: {code, message, details}} with UPPER_SNAKE codes, by HTTP status', (test) => {
  test('401 authentication', async () => {
    expectError(await call(sb.apiBase, 'GET', '/products'), 401, 'UNAUTHORIZED');
    expectError(await call(sb.apiBase, 'GET', '/products', { token: 'A'.repeat(43) }), 401, 'INVALID_TOKEN');
  });

  test('403 missing scope, naming the scope', async () => {
    const reply = await api('GET', '/orders', { token: await tokenFor(['read:products']) });
    expect(expectError(reply, 403, 'INSUFFICIENT_SCOPE').details).toEqual({ required_scope: 'read:orders' });
  });

  test('403 FEATURE_ACCESS_DENIED with details {feature}: the third store’s plan lacks inventory control and discounts', async () => {
    const store = await data('/store', 2);
    expect(store.plan_name).toBe('Emprendedor');
    const product = (await data('/products', 2))[0];
    const stock = await api('PATCH', `/products/${product.id}`, { store: 2, body: { stock_quantity: 3 } });
    expect(expectError(stock, 403, 'FEATURE_ACCESS_DENIED').details).toEqual({ feature: 'inventory' });
    expect(expectError(await get('/discounts', 2), 403, 'FEATURE_ACCESS_DENIED').details).toEqual({ feature: 'discounts' });
  });

  test('404 not found, 422 with field details', async () => {
    expect(expectError(await get('/products/999999999999'), 404, 'NOT_FOUND').details).toEqual({ resource: 'product', id: '999999999999' });
    const invalid = expectError(await api('POST', '/products', { body: { name: '', price: -1 } }), 422, 'VALIDATION_ERROR');
    expect(invalid.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'price']);
    for (const d of invalid.details) expect(keys(d)).toEqual(['field', 'message']);
  });

  test('429 and 500 keep the shape (a 500 injected by the fault hook)', async () => {
    const set = await fetch(`${sb.issuer}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        faults: [
          { path: '/api/v1/store', status: 500, count: 1 },
          { path: '/api/v1/orders', retry_after: 7, count: 1 },
        ],
      }),
    });
    expect(set.status).toBe(200);
    try {
      expectErrorBody(await get('/store'), 500, 'INTERNAL_ERROR');
      const limited = await get('/orders');
      expectErrorBody(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).toBe('7');
    } finally {
      await fetch(`${sb.issuer}/sandbox/faults`, { method: 'DELETE' });
    }
  });
});

/** The nested shape, for an answer that did not pass the API chain (no request id). */
function expectErrorBody(reply: Reply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  expect(keys(reply.body)).toEqual(['error']);
  expect(reply.body.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Object) });
}

row('V4', 'X-RateLimit-Limit, -Remaining and -Reset (Unix time) on every answer; 429 with Retry-After', (test) => {
  test('on 200, 401, 404 and 422 alike', async () => {
    const replies = [await get('/store'), await call(sb.apiBase, 'GET', '/store'), await get('/products/999999999999'), await get('/orders?page=x')];
    for (const reply of replies) {
      expect(Number(reply.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
      expect(reply.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
      const reset = Number(reply.headers.get('x-ratelimit-reset'));
      // Unix seconds, within the next window: not "seconds from now".
      expect(reset).toBeGreaterThan(Date.now() / 1000 - 1);
      expect(reset).toBeLessThan(Date.now() / 1000 + 120);
    }
  });

  test('429 RATE_LIMITED with Retry-After past the limit', async () => {
    const small = await startTestSandbox({ autoApprove: 'first', rateLimit: { limit: 2, windowSeconds: 60 } });
    try {
      const c = await register(small, { token_endpoint_auth_method: 'none' });
      const token = (await signIn(small, c, { scope: 'read:store' })).access_token;
      for (let i = 0; i < 2; i++) expect((await call(small.apiBase, 'GET', '/store', { token })).status).toBe(200);
      const limited = await call(small.apiBase, 'GET', '/store', { token });
      const error = expectError(limited, 429, 'RATE_LIMITED');
      const wait = Number(limited.headers.get('retry-after'));
      expect(wait).toBe(error.details.retry_after);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + wait + 1);
    } finally {
      await small.close();
    }
  });
});

row('V5', 'ids in Whatalo’s shapes, ISO 8601 times, money in the major unit with decimals; no currency on a product', (test) => {
  test('ids and times', async () => {
    const [product] = (await get('/products?status=all&per_page=100')).body.data.filter((p: { variants: unknown[] }) => p.variants.length > 0);
    expect(product.id).toMatch(NUMERIC_ID);
    for (const v of product.variants) expect(v.id).toMatch(UUID);
    const order = (await data('/orders'))[0];
    expect(order.id).toMatch(NUMERIC_ID);
    expect(Number.isInteger(order.order_number)).toBe(true);
    for (const item of order.items) expect(item.id).toMatch(NUMERIC_ID);
    expect((await data('/customers'))[0].id).toMatch(NUMERIC_ID);
    expect((await data('/categories'))[0].id).toMatch(NUMERIC_ID);
    expect((await data('/discounts'))[0].id).toMatch(/^disc_/);
    expect((await data('/store')).id).toMatch(/^str_[0-9a-z]{8}$/);
    for (const t of [order.created_at, order.updated_at, product.created_at]) expect(t).toMatch(ISO);
  });

  test('money', async () => {
    const products = (await get('/products?status=all&per_page=100')).body.data as { price: number }[];
    expect(products.some((p) => !Number.isInteger(p.price))).toBe(true);
    for (const p of products) {
      expect(typeof p.price).toBe('number');
      expect(p).not.toHaveProperty('currency');
    }
    const order = (await data('/orders'))[0];
    expect(order.currency).toBe('MXN');
    expect((await data('/orders', 2))[0].currency).toBe('COP');
    expect((await data('/orders', 1))[0].currency).toBe('DOP');
  });
});

row('V6', 'only documented fields and filters; no idempotency key: a create sent twice makes two records', (test) => {
  test('undocumented body fields and filters are refused with 422 (the sandbox’s choice, to catch them in tests)', async () => {
    expect(expectError(await api('POST', '/products', { body: { name: 'x', price: 1, currency: 'MXN' } }), 422, 'VALIDATION_ERROR').details[0].field).toBe(
      'currency',
    );
    expect(expectError(await get('/products?q=cafe'), 422, 'VALIDATION_ERROR').details[0].field).toBe('q');
  });

  test('two identical creates are two records; two identical deltas move the stock twice', async () => {
    const body = { name: 'Duplicado de prueba', price: 10 };
    const one = (await api('POST', '/products', { body })).body.data;
    const two = (await api('POST', '/products', { body })).body.data;
    expect(one.id).not.toBe(two.id);
    expect(two.slug).not.toBe(one.slug);
    await api('PATCH', `/inventory/products/${one.id}`, { body: { quantity: 3, reason: 'lote' } });
    const after = (await api('PATCH', `/inventory/products/${one.id}`, { body: { quantity: 3, reason: 'lote' } })).body.data;
    expect(after.stock_quantity).toBe(6);
  });
});

row('store', 'GET /v1/store with the documented fields (read:store)', (test) => {
  test('fields', async () => {
    const store = await data('/store');
    expect(keys(store)).toEqual([...STORE_FIELDS].sort());
    expect(store).toMatchObject({
      currency: 'MXN',
      country_code: 'MX',
      status: 'active',
      timezone: 'America/Mexico_City',
      storefront_url: expect.stringMatching(/^https:/),
    });
    expect((await data('/store', 1)).currency).toBe('DOP');
    expect((await data('/store', 2)).currency).toBe('COP');
    expectError(await api('GET', '/store', { token: await tokenFor(['read:products']) }), 403, 'INSUFFICIENT_SCOPE');
  });
});

row('products', 'list with every filter and sort (status default active), get, create, update, delete {deleted}, count', (test) => {
  test('fields; no status, no currency', async () => {
    for (const p of await data('/products')) expect(keys(p)).toEqual([...PRODUCT_FIELDS].sort());
  });

  test('status defaults to active; inactive and all on request; count by status', async () => {
    const all = (await get('/products?status=all&per_page=1')).body.pagination.total;
    const active = (await get('/products?per_page=100')).body;
    const inactive = (await get('/products?status=inactive&per_page=100')).body;
    expect(active.data.every((p: { is_active: boolean }) => p.is_active)).toBe(true);
    expect(inactive.data.every((p: { is_active: boolean }) => !p.is_active)).toBe(true);
    expect(active.pagination.total + inactive.pagination.total).toBe(all);
    expect((await data('/products/count')).count).toBe(active.pagination.total);
    expect((await data('/products/count?status=all')).count).toBe(all);
  });

  test('filters: category_id (several), is_featured, price[gte]/price[lte], stock_status, search; sort and order', async () => {
    const categories = (await data('/categories')) as { id: string }[];
    const ids = categories.slice(0, 2).map((c) => c.id);
    const inCats = (await get(`/products?status=all&per_page=100&category_id=${ids.join(',')}`)).body.data;
    expect(inCats.length).toBeGreaterThan(0);
    expect(inCats.every((p: { category_id: string }) => ids.includes(p.category_id))).toBe(true);
    const featured = (await get('/products?status=all&per_page=100&is_featured=true')).body.data;
    expect(featured.length).toBeGreaterThan(0);
    expect(featured.every((p: { is_featured: boolean }) => p.is_featured)).toBe(true);
    const priced = (await get('/products?status=all&per_page=100&price[gte]=100&price[lte]=200')).body.data;
    expect(priced.every((p: { price: number }) => p.price >= 100 && p.price <= 200)).toBe(true);
    const low = (await get('/products?status=all&per_page=100&stock_status=low_stock')).body.data;
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((p: { stock_quantity: number; low_stock_threshold: number }) => p.stock_quantity > 0 && p.stock_quantity <= p.low_stock_threshold)).toBe(
      true,
    );
    const out = (await get('/products?status=all&per_page=100&stock_status=out_of_stock')).body.data;
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((p: { stock_quantity: number }) => p.stock_quantity === 0)).toBe(true);
    expect((await get('/products?status=all&search=mole')).body.data.every((p: { name: string }) => /mole/i.test(p.name))).toBe(true);
    const cheap = (await get('/products?status=all&sort=price&order=asc&per_page=100')).body.data as { price: number }[];
    expect(cheap.map((p) => p.price)).toEqual([...cheap.map((p) => p.price)].sort((a, b) => a - b));
  });

  test('create (is_active default true), get, update, delete answers {deleted: true}', async () => {
    const created = await api('POST', '/products', { body: { name: 'Salsa de Chile de Árbol', price: 89.5, description: 'Picante' } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ is_active: true, price: 89.5, slug: 'salsa-de-chile-de-arbol' });
    const id = created.body.data.id;
    expect(await data(`/products/${id}`)).toEqual(created.body.data);
    expect((await api('PATCH', `/products/${id}`, { body: { is_active: false, compare_price: 99 } })).body.data).toMatchObject({
      is_active: false,
      compare_price: 99,
      has_discount: true,
    });
    expect((await api('DELETE', `/products/${id}`)).body).toEqual({ data: { deleted: true } });
    expectError(await get(`/products/${id}`), 404, 'NOT_FOUND');
  });
});

row('inventory', 'GET and PATCH /v1/inventory/products/{productId} with {quantity: signed delta, reason}', (test) => {
  test('the inventory object, with each variant', async () => {
    const products = (await get('/products?status=all&per_page=100')).body.data as { id: string; variants: unknown[] }[];
    const withVariants = products.find((p) => p.variants.length > 0)!;
    const inventory = await data(`/inventory/products/${withVariants.id}`);
    expect(keys(inventory)).toEqual([...INVENTORY_FIELDS].sort());
    expect(inventory.variants.length).toBe(withVariants.variants.length);
    for (const v of inventory.variants) expect(keys(v)).toEqual([...INVENTORY_VARIANT_FIELDS].sort());
  });

  test('a signed, non-zero delta with a non-empty reason; never below zero', async () => {
    const product = (await data('/products?stock_status=in_stock'))[0];
    const up = await api('PATCH', `/inventory/products/${product.id}`, { body: { quantity: 5, reason: 'restock' } });
    expect(up.body.data.stock_quantity).toBe(product.stock_quantity + 5);
    const down = await api('PATCH', `/inventory/products/${product.id}`, { body: { quantity: -2, reason: 'venta' } });
    expect(down.body.data.stock_quantity).toBe(product.stock_quantity + 3);
    for (const body of [{ quantity: 0, reason: 'x' }, { quantity: 1 }, { quantity: 1, reason: '' }, { quantity: -1_000_000, reason: 'x' }]) {
      expectError(await api('PATCH', `/inventory/products/${product.id}`, { body }), 422, 'VALIDATION_ERROR');
    }
    expect((await data(`/inventory/products/${product.id}`)).stock_quantity).toBe(product.stock_quantity + 3);
    expectError(
      await api('PATCH', `/inventory/products/${product.id}`, { token: await tokenFor(['read:inventory']), body: { quantity: 1, reason: 'x' } }),
      403,
      'INSUFFICIENT_SCOPE',
    );
  });
});

row('categories', 'list, get, create (slug generated), update, delete (products become uncategorized); product scopes', (test) => {
  test('fields, and the product scopes', async () => {
    for (const c of await data('/categories')) expect(keys(c)).toEqual([...CATEGORY_FIELDS].sort());
    expect((await api('GET', '/categories', { token: await tokenFor(['read:products']) })).status).toBe(200);
    expectError(await api('POST', '/categories', { token: await tokenFor(['read:products']), body: { name: 'x' } }), 403, 'INSUFFICIENT_SCOPE');
  });

  test('create, get, update, delete', async () => {
    const created = (await api('POST', '/categories', { body: { name: 'Ofertas de Temporada' } })).body.data;
    expect(created).toMatchObject({ name: 'Ofertas de Temporada', slug: 'ofertas-de-temporada', is_active: true });
    expect(await data(`/categories/${created.id}`)).toEqual(created);
    expect((await api('PATCH', `/categories/${created.id}`, { body: { name: 'Ofertas' } })).body.data).toMatchObject({ name: 'Ofertas', slug: 'ofertas' });
    const product = (await api('POST', '/products', { body: { name: 'Producto en oferta', price: 20, category_id: created.id } })).body.data;
    expect((await api('DELETE', `/categories/${created.id}`)).body).toEqual({ data: { deleted: true } });
    expect((await data(`/products/${product.id}`)).category_id).toBeNull();
  });
});

row('orders', 'list with every filter and sort, get, items, PATCH status or payment_status along the state machine, count; no create', (test) => {
  test('fields, the address and the items', async () => {
    const orders = (await get('/orders?per_page=100')).body.data;
    for (const o of orders) {
      expect(keys(o)).toEqual([...ORDER_FIELDS].sort());
      if (o.shipping_address !== null) expect(keys(o.shipping_address)).toEqual([...ADDRESS_FIELDS].sort());
      for (const i of o.items) expect(keys(i)).toEqual([...ITEM_FIELDS].sort());
    }
    const items = await get(`/orders/${orders[0].id}/items`);
    expect(items.body.data).toEqual(orders[0].items);
  });

  test('filters: status (several), payment_status, search, customer_id, date_from/date_to, total, updated_at, place; sort', async () => {
    const several = (await get('/orders?status=pending,confirmed&per_page=100')).body.data as { status: string }[];
    expect(several.length).toBeGreaterThan(0);
    expect(several.every((o) => ['pending', 'confirmed'].includes(o.status))).toBe(true);
    expect(
      (await get('/orders?payment_status=refunded&per_page=100')).body.data.every((o: { payment_status: string }) => o.payment_status === 'refunded'),
    ).toBe(true);
    const order = (await data('/orders?status=completed')).find(
      (o: { customer_id: string | null; shipping_address: unknown }) => o.customer_id && o.shipping_address,
    );
    expect((await data(`/orders?search=${order.order_number}`)).map((o: { id: string }) => o.id)).toContain(order.id);
    expect(
      (await get(`/orders?customer_id=${order.customer_id}&per_page=100`)).body.data.every((o: { customer_id: string }) => o.customer_id === order.customer_id),
    ).toBe(true);
    const day = order.created_at.slice(0, 10);
    expect((await get(`/orders?date_from=${order.created_at}&date_to=${order.created_at}`)).body.data.map((o: { id: string }) => o.id)).toContain(order.id);
    expect((await get(`/orders?date_from=${day}&date_to=2026-12-31&per_page=1`)).body.pagination.total).toBeGreaterThan(0);
    const big = (await get('/orders?total[gte]=1000&per_page=100')).body.data as { total: number }[];
    expect(big.every((o) => o.total >= 1000)).toBe(true);
    expect((await get('/orders?updated_at[lte]=2026-01-01T00:00:00Z')).body.pagination.total).toBe(0);
    for (const param of ['city', 'province', 'country'] as const) {
      const value = order.shipping_address[param];
      const found = (await get(`/orders?${param}=${encodeURIComponent(value)}&per_page=100`)).body.data as { shipping_address: Record<string, string> }[];
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((o) => o.shipping_address[param] === value)).toBe(true);
    }
    expect((await get('/orders?country_code=MX&per_page=1')).body.pagination.total).toBe((await data('/orders/count')).count);
    const numbers = ((await get('/orders?sort=order_number&order=asc&per_page=100')).body.data as { order_number: number }[]).map((o) => o.order_number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  test('the store with 500+ orders over several months', async () => {
    expect((await data('/orders/count')).count).toBeGreaterThanOrEqual(520);
    const oldest = (await data('/orders?sort=created_at&order=asc&per_page=1'))[0].created_at;
    const newest = (await data('/orders?per_page=1'))[0].created_at;
    expect(Date.parse(newest) - Date.parse(oldest)).toBeGreaterThan(120 * 86_400_000);
  });

  test('status moves follow the state machine, a refused move is 422; payment_status changes alone; count by status', async () => {
    const pending = (await data('/orders/count?status=pending')).count;
    const order = (await data('/orders?status=pending'))[0];
    expectError(await api('PATCH', `/orders/${order.id}`, { body: { status: 'completed' } }), 422, 'VALIDATION_ERROR');
    const path: string[] = ['confirmed', 'in_progress', 'completed', 'returned'];
    for (const status of path) expect((await api('PATCH', `/orders/${order.id}`, { body: { status } })).body.data.status).toBe(status);
    expect(ORDER_TRANSITIONS.returned).toEqual([]);
    expect((await data('/orders/count?status=pending')).count).toBe(pending - 1);
    const cancel = (await data('/orders?status=confirmed'))[0];
    expect((await api('PATCH', `/orders/${cancel.id}`, { body: { status: 'cancelled' } })).body.data).toMatchObject({
      status: 'cancelled',
      is_cancellable: false,
    });
    const unpaid = (await data('/orders?payment_status=pending&status=pending'))[0];
    expect((await api('PATCH', `/orders/${unpaid.id}`, { body: { payment_status: 'paid' } })).body.data).toMatchObject({
      payment_status: 'paid',
      is_fully_paid: true,
      status: 'pending',
    });
  });

  test('orders cannot be created', async () => {
    expectError(await api('POST', '/orders', { body: {} }), 405, 'METHOD_NOT_ALLOWED');
  });
});

row('customers', 'list with every filter and sort (total_spent for best customers), get, create (name required), update, count', (test) => {
  test('fields, derived on read; no currency', async () => {
    for (const c of await data('/customers')) expect(keys(c)).toEqual([...CUSTOMER_FIELDS].sort());
  });

  test('filters and sorts', async () => {
    const best = (await data('/customers?sort=total_spent&order=desc&per_page=10')) as { total_spent: number }[];
    expect(best.map((c) => c.total_spent)).toEqual([...best.map((c) => c.total_spent)].sort((a, b) => b - a));
    expect(best[0]!.total_spent).toBeGreaterThan(0);
    for (const [query, test] of [
      ['total_spent[gte]=1000', (c: any) => c.total_spent >= 1000],
      ['total_spent[lte]=500', (c: any) => c.total_spent <= 500],
      ['orders_count[gte]=3', (c: any) => c.orders_count >= 3],
      ['orders_count[lte]=1', (c: any) => c.orders_count <= 1],
      ['has_orders=false', (c: any) => c.orders_count === 0],
      ['has_orders=true', (c: any) => c.orders_count > 0],
      ['last_order_at[gte]=2026-09-01T00:00:00Z', (c: any) => c.last_order_at >= '2026-09-01'],
      ['last_order_at[lte]=2026-06-30', (c: any) => c.last_order_at !== null && c.last_order_at < '2026-07-01T06:00:00Z'],
    ] as const) {
      const found = (await get(`/customers?${query}&per_page=100`)).body.data;
      expect(found.length, query).toBeGreaterThan(0);
      expect(found.every(test), query).toBe(true);
    }
    const someone = (await data('/customers'))[0];
    expect((await data(`/customers?search=${encodeURIComponent(someone.name)}`)).map((c: { id: string }) => c.id)).toContain(someone.id);
  });

  test('create, get, update, count', async () => {
    const count = (await data('/customers/count')).count;
    expectError(await api('POST', '/customers', { body: { email: 'x@example.mx' } }), 422, 'VALIDATION_ERROR');
    const created = (await api('POST', '/customers', { body: { name: 'Lupita Navarro', email: 'lupita@example.mx', phone: '+52 33 1111 2222', notes: 'VIP' } }))
      .body.data;
    expect(created).toMatchObject({ has_email: true, has_phone: true, orders_count: 0, total_spent: 0, last_order_at: null });
    expect(await data(`/customers/${created.id}`)).toEqual(created);
    expect((await api('PATCH', `/customers/${created.id}`, { body: { notes: null } })).body.data.notes).toBeNull();
    expect((await data('/customers/count')).count).toBe(count + 1);
  });
});

row('discounts', 'list (status default active), get, create, update, delete, validate {code, order_total} → {valid, discount_amount, reason?}', (test) => {
  test('fields, derived flags, and the status filter', async () => {
    const active = await data('/discounts');
    for (const d of active) {
      expect(keys(d)).toEqual([...DISCOUNT_FIELDS].sort());
      expect(d.is_active && !d.is_expired).toBe(true);
    }
    expect((await data('/discounts?status=expired')).every((d: { is_expired: boolean }) => d.is_expired)).toBe(true);
    expect((await data('/discounts?status=inactive')).every((d: { is_active: boolean }) => !d.is_active)).toBe(true);
    expect((await get('/discounts?status=all')).body.pagination.total).toBeGreaterThan(active.length);
  });

  test('create, get, update, validate, delete', async () => {
    const created = await api('POST', '/discounts', {
      body: { code: 'BUENFIN', type: 'fixed_amount', value: 50, min_order_amount: 400, expires_at: '2036-11-20T06:00:00Z' },
    });
    expect(created.status).toBe(201);
    const d = created.body.data;
    expect(d).toMatchObject({ code: 'BUENFIN', is_usable: true, is_expired: false, has_usage_limit: false });
    expect(await data(`/discounts/${d.id}`)).toEqual(d);
    expect((await api('POST', '/discounts/validate', { body: { code: 'BUENFIN', order_total: 500 } })).body).toEqual({
      data: { valid: true, discount_amount: 50 },
    });
    const refused = (await api('POST', '/discounts/validate', { body: { code: 'BUENFIN', order_total: 100 } })).body.data;
    expect(refused).toMatchObject({ valid: false, discount_amount: 0, reason: expect.any(String) });
    expect((await api('PATCH', `/discounts/${d.id}`, { body: { max_uses: 10 } })).body.data.has_usage_limit).toBe(true);
    expect((await api('DELETE', `/discounts/${d.id}`)).body).toEqual({ data: { deleted: true } });
    expectError(await get(`/discounts/${d.id}`), 404, 'NOT_FOUND');
  });
});
