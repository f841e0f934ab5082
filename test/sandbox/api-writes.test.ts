/**
 * API v1 writes over real HTTP: each write is visible in a later read; bodies are checked
 * strictly (422 VALIDATION_ERROR with details [{field, message}]); inventory deltas; the
 * order state machine and payment status; customers; discount codes and their validation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, ORDER_TRANSITIONS, customerTotals, type OrderStatus } from '../../src/sandbox/data.js';
import { call, expectError, first, useSeededApi, type ApiErrorBody } from './api-harness.js';

const seeded = useSeededApi();

const send = (method: string, path: string, body?: unknown) => call(seeded.api.base, method, path, { token: seeded.token, body });
const fields = (error: ApiErrorBody) => (error.details as { field: string }[]).map((e) => e.field).sort();
const nowIso = () => new Date(seeded.api.now()).toISOString();

describe('products', () => {
  it('creates (201, active by default, no currency), reads back, lists first; a PATCH and a DELETE show in later reads', async () => {
    const category = [...seeded.store.categories.values()][1]!;
    const created = await send('POST', '/products', { name: '  Tostadas de Maíz Azul x20 ', price: 54.5, sku: 'MX-TST-9001', category_id: category.id });
    expect(created.status).toBe(201);
    const product = created.body.data;
    expect(product).toMatchObject({
      name: 'Tostadas de Maíz Azul x20',
      slug: 'tostadas-de-maiz-azul-x20',
      price: 54.5,
      compare_price: null,
      sku: 'MX-TST-9001',
      description: null,
      is_active: true,
      is_featured: false,
      stock_quantity: 0,
      category_id: category.id,
      variants: [],
      has_discount: false,
      created_at: nowIso(),
    });
    expect(product).not.toHaveProperty('currency');
    expect(product).not.toHaveProperty('status');
    expect(product.id).toMatch(/^[1-9]\d{11}$/);
    expect((await send('GET', `/products/${product.id}`)).body.data).toEqual(product);
    expect((await send('GET', '/products?per_page=1')).body.data[0].id).toBe(product.id);
    expect((await send('GET', `/inventory/products/${product.id}`)).body.data).toMatchObject({
      product_id: product.id,
      sku: 'MX-TST-9001',
      stock_quantity: 0,
      variants: [],
    });

    seeded.api.advance(60_000);
    const patched = await send('PATCH', `/products/${product.id}`, { price: 59, compare_price: 65.9, is_active: false, stock_quantity: 12, category_id: null });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      name: product.name,
      price: 59,
      compare_price: 65.9,
      has_discount: true,
      discount_percentage: 10.47,
      is_active: false,
      is_purchasable: false,
      stock_quantity: 12,
      category_id: null,
      created_at: product.created_at,
      updated_at: nowIso(),
    });
    expect((await send('GET', `/products/${product.id}`)).body.data).toEqual(patched.body.data);
    // Hidden now: gone from the default list, there with status=inactive.
    expect((await send('GET', '/products?search=Tostadas')).body.pagination.total).toBe(0);
    expect((await send('GET', '/products?status=inactive&search=Tostadas')).body.pagination.total).toBe(1);

    const deleted = await send('DELETE', `/products/${product.id}`);
    expect(deleted.body).toEqual({ data: { deleted: true } });
    expectError(await send('GET', `/products/${product.id}`), 404, 'NOT_FOUND');
    expectError(await send('GET', `/inventory/products/${product.id}`), 404, 'NOT_FOUND');
    expectError(await send('DELETE', `/products/${product.id}`), 404, 'NOT_FOUND');
    expect((await send('GET', '/products?status=all&search=Tostadas')).body.pagination.total).toBe(0);
  });

  it.each([
    [{}, ['name', 'price']],
    [{ name: '', price: -1, colour: 'red' }, ['colour', 'name', 'price']],
    [{ name: '   ', price: 1.234 }, ['name', 'price']],
    [{ name: 7, price: '12.50' }, ['name', 'price']],
    [{ name: 'x', price: 1, status: 'active' }, ['status']],
    [{ name: 'x', price: 1, currency: 'MXN' }, ['currency']],
    [{ name: 'x', price: 1, compare_at_price: 2 }, ['compare_at_price']],
    [{ name: 'x', price: 1, category_id: '999999999999' }, ['category_id']],
    [{ name: 'x', price: 1, compare_price: -2 }, ['compare_price']],
    [{ name: 'x', price: 10, compare_price: 9 }, ['compare_price']],
    [{ name: 'x', price: 1, is_active: 'yes' }, ['is_active']],
    [{ name: 'x', price: 1, stock_quantity: -1 }, ['stock_quantity']],
    [{ name: 'x', price: null }, ['price']],
    [{ name: 'x'.repeat(201), price: 1 }, ['name']],
    [{ name: 'x', price: 1, sku: 'MX-CAF-0001' }, ['sku']],
  ])('refuses %j with details on %j', async (body, expected) => {
    const error = expectError(await send('POST', '/products', body), 422, 'VALIDATION_ERROR');
    expect(fields(error)).toEqual(expected);
    for (const e of error.details) expect(e.message).toMatch(/\w/);
  });

  it('refuses an empty PATCH and a PATCH of an unknown id', async () => {
    const product = first(seeded.store.products);
    expect(expectError(await send('PATCH', `/products/${product.id}`, {}), 422, 'VALIDATION_ERROR').details[0].field).toBe('body');
    expect(expectError(await send('PATCH', '/products/999999999999', { name: 'x' }), 404, 'NOT_FOUND').details).toEqual({
      resource: 'product',
      id: '999999999999',
    });
  });

  it('answers any JSON object with 201 or a 422, never anything else', async () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer()));
    const key = fc.constantFrom('name', 'price', 'sku', 'description', 'is_active', 'category_id', 'compare_price', 'stock_quantity', 'gallery', 'extra');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value), async (body) => {
        const reply = await send('POST', '/products', body);
        if (reply.status === 201) return;
        expect(expectError(reply, 422, 'VALIDATION_ERROR').details.length).toBeGreaterThan(0);
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('categories', () => {
  it('creates with a generated slug, reads, renames, keeps names unique, and a delete leaves its products uncategorized', async () => {
    const created = await send('POST', '/categories', { name: 'Temporada de Día de Muertos' });
    expect(created.status).toBe(201);
    const category = created.body.data;
    expect(category).toEqual({
      id: expect.stringMatching(/^\d{12}$/),
      name: 'Temporada de Día de Muertos',
      slug: 'temporada-de-dia-de-muertos',
      is_active: true,
      created_at: nowIso(),
    });
    expect((await send('GET', `/categories/${category.id}`)).body.data).toEqual(category);
    const dup = expectError(await send('POST', '/categories', { name: 'temporada de dia de muertos' }), 422, 'VALIDATION_ERROR');
    expect(dup.details).toEqual([{ field: 'name', message: expect.stringContaining(category.id) }]);
    expect(fields(expectError(await send('POST', '/categories', { name: 'x', description: 'x' }), 422, 'VALIDATION_ERROR'))).toEqual(['description']);

    const renamed = await send('PATCH', `/categories/${category.id}`, { name: 'Día de Muertos', is_active: false });
    expect(renamed.body.data).toMatchObject({ id: category.id, name: 'Día de Muertos', slug: 'dia-de-muertos', is_active: false });

    const product = (await send('POST', '/products', { name: 'Pan de Muerto', price: 45, category_id: category.id })).body.data;
    expect((await send('GET', `/products?category_id=${category.id}`)).body.pagination.total).toBe(1);
    expect((await send('DELETE', `/categories/${category.id}`)).body).toEqual({ data: { deleted: true } });
    expectError(await send('GET', `/categories/${category.id}`), 404, 'NOT_FOUND');
    expect((await send('GET', `/products/${product.id}`)).body.data.category_id).toBeNull();
  });
});

describe('inventory', () => {
  it('adjusts by a signed delta with a reason, answers the inventory object, and never goes below zero', async () => {
    const product = [...seeded.store.products.values()].find((p) => p.is_active && p.stock_quantity > 5 && p.variants.length === 0)!;
    const path = `/inventory/products/${product.id}`;
    const start = (await send('GET', path)).body.data.stock_quantity as number;

    const up = await send('PATCH', path, { quantity: 12, reason: 'Recepción de proveedor' });
    expect(up.status).toBe(200);
    expect(up.body.data).toEqual({
      product_id: product.id,
      sku: product.sku,
      stock_quantity: start + 12,
      track_inventory: product.track_inventory,
      low_stock_threshold: product.low_stock_threshold,
      continue_selling_when_out_of_stock: product.continue_selling,
      variants: [],
    });
    expect((await send('GET', `/products/${product.id}`)).body.data.stock_quantity).toBe(start + 12);

    const negative = expectError(await send('PATCH', path, { quantity: -(start + 13), reason: 'merma' }), 422, 'VALIDATION_ERROR');
    expect(negative.details).toEqual([{ field: 'quantity', message: expect.stringContaining(`only ${start + 12} available`) }]);
    expect((await send('GET', path)).body.data.stock_quantity).toBe(start + 12);
    expect((await send('PATCH', path, { quantity: -(start + 12), reason: 'merma total' })).body.data.stock_quantity).toBe(0);
    // Sold out now: the stock filter sees it.
    const out = (await send('GET', `/products?stock_status=out_of_stock&per_page=100`)).body.data as { id: string }[];
    expect(out.map((p) => p.id)).toContain(product.id);
  });

  it('shows each variant with its UUID and stock', async () => {
    const product = [...seeded.store.products.values()].find((p) => p.variants.length > 0)!;
    const inventory = (await send('GET', `/inventory/products/${product.id}`)).body.data;
    expect(inventory.variants).toHaveLength(product.variants.length);
    for (const v of inventory.variants) {
      expect(v.variant_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Object.keys(v).sort()).toEqual(
        [
          'continue_selling_when_out_of_stock',
          'low_stock_threshold',
          'sku',
          'stock_quantity',
          'track_inventory',
          'variant_id',
          'variant_type',
          'variant_value',
        ].sort(),
      );
    }
  });

  it.each([
    [{ quantity: 0, reason: 'x' }, ['quantity']],
    [{ quantity: 1.5, reason: 'x' }, ['quantity']],
    [{ quantity: '3', reason: 'x' }, ['quantity']],
    [{ quantity: 1 }, ['reason']],
    [{ quantity: 1, reason: '   ' }, ['reason']],
    [{ quantity: 1, reason: 'r'.repeat(501) }, ['reason']],
    [{ quantity: 1, reason: 'x', expected_quantity: 3 }, ['expected_quantity']],
    [{}, ['quantity', 'reason']],
  ])('refuses %j', async (body, expected) => {
    const product = [...seeded.store.products.values()][2]!;
    const before = product.stock_quantity;
    const error = expectError(await send('PATCH', `/inventory/products/${product.id}`, body), 422, 'VALIDATION_ERROR');
    expect(fields(error)).toEqual(expected);
    expect(product.stock_quantity).toBe(before);
  });
});

describe('orders: status moves, payment status, items', () => {
  /** Seed orders in `status` not yet touched by this test. */
  const used = new Set<string>();
  function fresh(status: OrderStatus, payment?: string) {
    const order = [...seeded.store.orders.values()].find(
      (o) => o.status === status && !used.has(o.id) && (payment === undefined || o.payment_status === payment),
    );
    if (!order) throw new Error(`no untouched ${status} order in the seed`);
    used.add(order.id);
    return order;
  }

  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', async (from, to) => {
    const order = fresh(from);
    const before = (await send('GET', `/orders/${order.id}`)).body.data;
    seeded.api.advance(1000);
    const reply = await send('PATCH', `/orders/${order.id}`, { status: to });
    if (ORDER_TRANSITIONS[from].includes(to)) {
      expect(reply.status).toBe(200);
      expect(reply.body.data).toMatchObject({
        id: order.id,
        status: to,
        is_pending: false,
        is_completed: to === 'completed',
        is_cancellable: ORDER_TRANSITIONS[to].includes('cancelled'),
        updated_at: nowIso(),
        created_at: before.created_at,
        total: before.total,
      });
      if (to === 'completed') expect(reply.body.data.completed_at).toBe(nowIso());
      expect((await send('GET', `/orders/${order.id}`)).body.data).toEqual(reply.body.data);
    } else {
      const error = expectError(reply, 422, 'VALIDATION_ERROR');
      expect(error.details).toHaveLength(1);
      expect(error.details[0].field).toBe('status');
      const allowed = ORDER_TRANSITIONS[from];
      expect(error.details[0].message).toContain(allowed.length === 0 ? 'is final' : `allowed next: ${allowed.join(', ')}`);
      expect((await send('GET', `/orders/${order.id}`)).body.data).toEqual(before);
    }
  });

  it('changes the payment status on its own; a customer’s total_spent follows', async () => {
    const order = fresh('confirmed', 'pending');
    const customerId = order.customer_id ?? fresh('confirmed', 'pending').customer_id!;
    const target =
      order.customer_id === null ? [...seeded.store.orders.values()].find((o) => o.customer_id === customerId && o.payment_status === 'pending')! : order;
    const spent = (await send('GET', `/customers/${customerId}`)).body.data.total_spent as number;
    const paid = await send('PATCH', `/orders/${target.id}`, { payment_status: 'paid' });
    expect(paid.body.data).toMatchObject({ payment_status: 'paid', is_fully_paid: true, status: target.status });
    expect((await send('GET', `/customers/${customerId}`)).body.data.total_spent).toBeCloseTo(spent + target.total, 2);
    expect((await send('PATCH', `/orders/${target.id}`, { payment_status: 'refunded' })).body.data.payment_status).toBe('refunded');
    const final = expectError(await send('PATCH', `/orders/${target.id}`, { payment_status: 'paid' }), 422, 'VALIDATION_ERROR');
    expect(final.details[0]).toMatchObject({ field: 'payment_status', message: expect.stringContaining('is final') });
  });

  it('lists an order’s items, each line with its money', async () => {
    const order = fresh('completed');
    const items = (await send('GET', `/orders/${order.id}/items`)).body;
    expect(items.pagination.total).toBe(order.items.length);
    expect(items.data).toEqual(order.items);
    for (const item of items.data) expect(item.total_price).toBeCloseTo(item.unit_price * item.quantity, 2);
    const view = (await send('GET', `/orders/${order.id}`)).body.data;
    expect(view.item_count).toBe(order.items.reduce((n, i) => n + i.quantity, 0));
    expect(view.total).toBeCloseTo(view.subtotal - view.discount_amount + view.shipping_cost + view.tax_amount, 2);
  });

  it.each([[{}], [{ status: 'shipped' }], [{ status: 'confirmed', note: 'x' }], [{ status: null }], [{ payment_status: 'partial' }]])(
    'refuses %j',
    async (body) => {
      const order = [...seeded.store.orders.values()].find((o) => o.status === 'pending')!;
      const error = expectError(await send('PATCH', `/orders/${order.id}`, body), 422, 'VALIDATION_ERROR');
      expect(error.details.length).toBeGreaterThan(0);
      expect(order.status).toBe('pending');
    },
  );

  it('cannot create an order', async () => {
    const reply = await send('POST', '/orders', { items: [] });
    expectError(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe('GET');
  });
});

describe('customers', () => {
  it('creates with a name alone, derives contact fields, patches, and counts', async () => {
    const count = seeded.store.customers.size;
    const created = await send('POST', '/customers', { name: 'Rosa Elena Chávez', phone: '+52 55 1234 5678' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'Rosa Elena Chávez',
      email: null,
      phone: '+52 55 1234 5678',
      notes: null,
      has_email: false,
      has_phone: true,
      display_contact: '+52 55 1234 5678',
      orders_count: 0,
      total_spent: 0,
      last_order_at: null,
      last_order_id: null,
    });
    const id = created.body.data.id;
    expect(id).toMatch(/^\d{12}$/);
    const patched = await send('PATCH', `/customers/${id}`, { email: 'Rosa.Chavez@Example.mx', phone: null, notes: 'Mayorista' });
    expect(patched.body.data).toMatchObject({
      email: 'rosa.chavez@example.mx',
      has_email: true,
      has_phone: false,
      display_contact: 'rosa.chavez@example.mx',
      notes: 'Mayorista',
    });
    expect((await send('GET', `/customers/${id}`)).body.data).toEqual(patched.body.data);
    expect((await send('GET', '/customers/count')).body.data.count).toBe(count + 1);
  });

  it.each([
    [{}, ['name']],
    [{ name: 'x', email: 'not-an-email' }, ['email']],
    [{ name: 'x', phone: 'call me' }, ['phone']],
    [{ name: 'x', total_spent: 5 }, ['total_spent']],
  ])('refuses %j', async (body, expected) => {
    expect(fields(expectError(await send('POST', '/customers', body), 422, 'VALIDATION_ERROR'))).toEqual(expected);
  });

  it('derives figures from the orders: orders_count, paid total_spent, last order', async () => {
    const totals = customerTotals(seeded.store);
    const [id, t] = [...totals.entries()].find(([, t]) => t.orders_count > 2)!;
    const customer = (await send('GET', `/customers/${id}`)).body.data;
    const mine = [...seeded.store.orders.values()].filter((o) => o.customer_id === id);
    expect(customer.orders_count).toBe(mine.length);
    expect(customer.total_spent).toBeCloseTo(
      mine.filter((o) => o.payment_status === 'paid').reduce((sum, o) => sum + o.total, 0),
      2,
    );
    expect(customer.last_order_at).toBe(t.last_order_at);
    expect(customer).not.toHaveProperty('currency');
  });
});

describe('discounts', () => {
  it('lists active codes by default, and inactive, expired or all on request', async () => {
    const statuses = { active: 0, inactive: 0, expired: 0, all: 0 };
    for (const status of Object.keys(statuses) as (keyof typeof statuses)[]) {
      const query = status === 'active' ? '' : `?status=${status}`;
      const items = (await send('GET', `/discounts${query}`)).body.data as { is_active: boolean; is_expired: boolean }[];
      statuses[status] = items.length;
      if (status === 'active') expect(items.every((d) => d.is_active && !d.is_expired)).toBe(true);
      if (status === 'inactive') expect(items.every((d) => !d.is_active)).toBe(true);
      if (status === 'expired') expect(items.every((d) => d.is_expired)).toBe(true);
    }
    expect(statuses.active).toBeGreaterThan(0);
    expect(statuses.inactive).toBeGreaterThan(0);
    expect(statuses.expired).toBeGreaterThan(0);
    expect(statuses.all).toBe(seeded.store.discounts.size);
  });

  it('creates, reads, patches, validates against an order total, and deletes', async () => {
    const created = await send('POST', '/discounts', { code: 'finde10', type: 'percentage', value: 10, min_order_amount: 300, max_uses: 50 });
    expect(created.status).toBe(201);
    const discount = created.body.data;
    expect(discount).toMatchObject({
      id: expect.stringMatching(/^disc_[0-9a-z]+$/),
      code: 'FINDE10',
      type: 'percentage',
      value: 10,
      current_uses: 0,
      is_active: true,
      applies_to_all: true,
      is_expired: false,
      is_usable: true,
      has_usage_limit: true,
    });
    expect((await send('GET', `/discounts/${discount.id}`)).body.data).toEqual(discount);
    expect((await send('POST', '/discounts/validate', { code: 'Finde10', order_total: 450.5 })).body).toEqual({
      data: { valid: true, discount_amount: 45.05 },
    });
    const small = (await send('POST', '/discounts/validate', { code: 'FINDE10', order_total: 100 })).body.data;
    expect(small).toMatchObject({ valid: false, discount_amount: 0, reason: expect.stringContaining('300') });
    expect(fields(expectError(await send('POST', '/discounts', { code: 'FINDE10', type: 'fixed_amount', value: 5 }), 422, 'VALIDATION_ERROR'))).toEqual([
      'code',
    ]);

    const off = await send('PATCH', `/discounts/${discount.id}`, { is_active: false });
    expect(off.body.data).toMatchObject({ is_active: false, is_usable: false });
    expect((await send('POST', '/discounts/validate', { code: 'FINDE10', order_total: 1000 })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/inactive/),
    });
    expect((await send('DELETE', `/discounts/${discount.id}`)).body).toEqual({ data: { deleted: true } });
    expectError(await send('GET', `/discounts/${discount.id}`), 404, 'NOT_FOUND');
    expect((await send('POST', '/discounts/validate', { code: 'FINDE10', order_total: 1000 })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/not found/),
    });
  });

  it('says why a seeded code does not apply: expired, used up', async () => {
    expect((await send('POST', '/discounts/validate', { code: 'VERANO25', order_total: 500 })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/expired/),
    });
    expect((await send('POST', '/discounts/validate', { code: 'TRIO20', order_total: 500 })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/usage limit/),
    });
    expect((await send('POST', '/discounts/validate', { code: 'ENVIOGRATIS', order_total: 2500 })).body.data).toEqual({ valid: true, discount_amount: 199 });
    expect((await send('POST', '/discounts/validate', { code: 'ENVIOGRATIS', order_total: 1000 })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringContaining('1990'),
    });
  });

  it.each([
    [{}, ['code', 'type', 'value']],
    [{ code: 'X', type: 'percentage', value: 10 }, ['code']],
    [{ code: 'MUCHO', type: 'percentage', value: 150 }, ['value']],
    [{ code: 'FIJO', type: 'fixed', value: 10 }, ['type']],
    [{ code: 'FECHAS', type: 'percentage', value: 5, starts_at: '2026-12-01T00:00:00Z', expires_at: '2026-11-01T00:00:00Z' }, ['expires_at']],
    [{ code: 'PROD', type: 'percentage', value: 5, applicable_product_ids: ['999999999999'] }, ['applicable_product_ids']],
    [{ code: 'FEB31', type: 'percentage', value: 5, expires_at: '2027-02-31T00:00:00Z' }, ['expires_at']],
  ])('refuses %j', async (body, expected) => {
    expect(fields(expectError(await send('POST', '/discounts', body), 422, 'VALIDATION_ERROR'))).toEqual(expected);
  });
});
