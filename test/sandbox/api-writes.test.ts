/**
 * API v1 writes over real HTTP: each write is visible in a later read; bodies are checked
 * strictly (422 fieldErrors); inventory compare-and-set; the order state machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, ORDER_TRANSITIONS, categoryView, customerView, type OrderStatus } from '../../src/sandbox/data.js';
import { call, expectError, useSeededApi } from './api-harness.js';

const seeded = useSeededApi();

const send = (method: string, path: string, body?: unknown) => call(seeded.api.base, method, path, { token: seeded.token, body });
const fields = (body: { fieldErrors: { field: string }[] }) => body.fieldErrors.map((e) => e.field).sort();

describe('products', () => {
  it('creates (201), reads back, lists first, starts with zero stock; a PATCH and a DELETE show in later reads', async () => {
    const category = [...seeded.store.categories.values()][1]!;
    const countBefore = categoryView(seeded.store, category).product_count;
    const created = await send('POST', '/products', {
      name: '  Tostadas de Maíz Azul x20 ',
      price: 54.5,
      sku: 'MX-TST-9001',
      category_id: category.id,
      status: 'draft',
    });
    expect(created.status).toBe(201);
    const product = created.body.data;
    expect(product).toMatchObject({
      name: 'Tostadas de Maíz Azul x20',
      price: 54.5,
      sku: 'MX-TST-9001',
      description: null,
      compare_at_price: null,
      currency: 'MXN',
      status: 'draft',
      category_id: category.id,
      created_at: new Date(seeded.api.now()).toISOString(),
    });
    expect(product.id).toMatch(/^prd_[0-9a-z]{8}$/);
    expect((await send('GET', `/products/${product.id}`)).body.data).toEqual(product);
    expect((await send('GET', '/products?per_page=1')).body.data[0].id).toBe(product.id);
    expect((await send('GET', `/inventory/${product.id}`)).body.data).toEqual({
      product_id: product.id,
      sku: 'MX-TST-9001',
      quantity: 0,
      updated_at: product.created_at,
    });
    const cats = (await send('GET', '/categories?per_page=100')).body.data as { id: string; product_count: number }[];
    expect(cats.find((c) => c.id === category.id)!.product_count).toBe(countBefore + 1);

    seeded.api.advance(60_000);
    const patched = await send('PATCH', `/products/${product.id}`, {
      price: 59,
      status: 'active',
      sku: 'MX-TST-9002',
      compare_at_price: 65.9,
      category_id: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      name: product.name,
      price: 59,
      status: 'active',
      sku: 'MX-TST-9002',
      compare_at_price: 65.9,
      category_id: null,
      created_at: product.created_at,
      updated_at: new Date(seeded.api.now()).toISOString(),
    });
    expect((await send('GET', `/products/${product.id}`)).body.data).toEqual(patched.body.data);
    expect((await send('GET', `/inventory/${product.id}`)).body.data.sku).toBe('MX-TST-9002');

    const deleted = await send('DELETE', `/products/${product.id}`);
    expect(deleted.body).toEqual({ data: { id: product.id, deleted: true } });
    expectError(await send('GET', `/products/${product.id}`), 404, 'not_found');
    expectError(await send('GET', `/inventory/${product.id}`), 404, 'not_found');
    expectError(await send('DELETE', `/products/${product.id}`), 404, 'not_found');
    expect((await send('GET', '/products?q=Tostadas')).body.pagination.total).toBe(0);
  });

  it.each([
    [{}, ['name', 'price']],
    [{ name: '', price: -1, colour: 'red' }, ['colour', 'name', 'price']],
    [{ name: '   ', price: 1.234 }, ['name', 'price']],
    [{ name: 7, price: '12.50' }, ['name', 'price']],
    [{ name: 'x', price: 1, status: 'published' }, ['status']],
    [{ name: 'x', price: 1, category_id: 'cat_nothere0' }, ['category_id']],
    [{ name: 'x', price: 1, compare_at_price: -2 }, ['compare_at_price']],
    [{ name: 'x', price: null }, ['price']],
    [{ name: 'x'.repeat(201), price: 1 }, ['name']],
    [{ name: 'x', price: 1, sku: 'MX-CAF-0001' }, ['sku']],
  ])('refuses %j with fieldErrors on %j', async (body, expected) => {
    const error = expectError(await send('POST', '/products', body), 422, 'validation_failed');
    expect(fields(error)).toEqual(expected);
    for (const e of error.fieldErrors) expect(e.message).toMatch(/\w/);
  });

  it('refuses an empty PATCH and a PATCH of an unknown id', async () => {
    const product = [...seeded.store.products.values()][0]!;
    expect(expectError(await send('PATCH', `/products/${product.id}`, {}), 422, 'validation_failed').fieldErrors[0].field).toBe('body');
    expect(expectError(await send('PATCH', '/products/prd_zzzzzzzz', { name: 'x' }), 404, 'not_found')).toMatchObject({
      resourceType: 'product',
      resourceId: 'prd_zzzzzzzz',
    });
  });

  it('answers any JSON object with 201 or a 422 envelope, never anything else', async () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer()));
    const key = fc.constantFrom('name', 'price', 'sku', 'description', 'status', 'category_id', 'compare_at_price', 'extra');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value), async (body) => {
        const reply = await send('POST', '/products', body);
        if (reply.status === 201) return;
        const error = expectError(reply, 422, 'validation_failed');
        expect(error.fieldErrors.length).toBeGreaterThan(0);
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('categories', () => {
  it('creates, renames, and keeps names unique ignoring case and accents', async () => {
    const created = await send('POST', '/categories', { name: 'Temporada de Día de Muertos', description: 'Pan de muerto y calaveritas' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'Temporada de Día de Muertos', product_count: 0 });
    const id = created.body.data.id;
    const dup = expectError(await send('POST', '/categories', { name: 'temporada de dia de muertos' }), 422, 'validation_failed');
    expect(dup.fieldErrors).toEqual([{ field: 'name', message: expect.stringContaining(id) }]);
    const existing = [...seeded.store.categories.values()][0]!;
    expectError(await send('PATCH', `/categories/${id}`, { name: existing.name.toUpperCase() }), 422, 'validation_failed');

    const renamed = await send('PATCH', `/categories/${id}`, { name: 'Día de Muertos', description: null });
    expect(renamed.body.data).toMatchObject({ id, name: 'Día de Muertos', description: null });
    expect((await send('PATCH', `/categories/${id}`, { name: 'día de muertos' })).status).toBe(200);
    const list = (await send('GET', '/categories?per_page=100')).body.data as { id: string; name: string }[];
    expect(list.find((c) => c.id === id)!.name).toBe('día de muertos');

    // A product can now be filed under it, and the count follows.
    const product = await send('POST', '/products', { name: 'Pan de Muerto', price: 45, category_id: id });
    expect(product.status).toBe(201);
    const after = (await send('GET', '/categories?per_page=100')).body.data as { id: string; product_count: number }[];
    expect(after.find((c) => c.id === id)!.product_count).toBe(1);
    expect(fields(expectError(await send('POST', '/categories', { name: 'x', slug: 'x' }), 422, 'validation_failed'))).toEqual(['slug']);
  });
});

describe('inventory', () => {
  it('adjusts by a signed delta, guards negatives, and compares-and-sets with expected_quantity', async () => {
    const product = [...seeded.store.products.values()].find((p) => p.status === 'active' && seeded.store.inventory.get(p.id)!.quantity > 5)!;
    const path = `/inventory/${product.id}`;
    const start = (await send('GET', path)).body.data.quantity as number;

    const up = await send('POST', `${path}/adjustments`, { quantity: 12, reason: 'Recepción de proveedor' });
    expect(up.status).toBe(200);
    expect(up.body.data).toEqual({
      product_id: product.id,
      sku: product.sku,
      quantity: start + 12,
      previous_quantity: start,
      updated_at: new Date(seeded.api.now()).toISOString(),
    });
    expect((await send('GET', path)).body.data.quantity).toBe(start + 12);

    const conflict = expectError(
      await send('POST', `${path}/adjustments`, { quantity: -1, reason: 'venta en mostrador', expected_quantity: start }),
      409,
      'quantity_conflict',
    );
    expect(conflict).toMatchObject({ currentQuantity: start + 12, expectedQuantity: start });
    const cas = await send('POST', `${path}/adjustments`, { quantity: -1, reason: 'venta en mostrador', expected_quantity: start + 12 });
    expect(cas.body.data).toMatchObject({ quantity: start + 11, previous_quantity: start + 12 });

    const negative = expectError(await send('POST', `${path}/adjustments`, { quantity: -(start + 12), reason: 'merma' }), 422, 'validation_failed');
    expect(negative.fieldErrors).toEqual([{ field: 'quantity', message: expect.stringContaining(`only ${start + 11} available`) }]);
    expect((await send('GET', path)).body.data.quantity).toBe(start + 11);
    const toZero = await send('POST', `${path}/adjustments`, { quantity: -(start + 11), reason: 'merma total' });
    expect(toZero.body.data.quantity).toBe(0);
  });

  it.each([
    [{ quantity: 0, reason: 'x' }, ['quantity']],
    [{ quantity: 1.5, reason: 'x' }, ['quantity']],
    [{ quantity: '3', reason: 'x' }, ['quantity']],
    [{ quantity: 1 }, ['reason']],
    [{ quantity: 1, reason: '   ' }, ['reason']],
    [{ quantity: 1, reason: 'r'.repeat(501) }, ['reason']],
    [{ quantity: 1, reason: 'x', expected_quantity: -1 }, ['expected_quantity']],
    [{ quantity: 1, reason: 'x', note: 'y' }, ['note']],
    [{}, ['quantity', 'reason']],
  ])('refuses %j', async (body, expected) => {
    const product = [...seeded.store.products.values()][2]!;
    const before = seeded.store.inventory.get(product.id)!.quantity;
    const error = expectError(await send('POST', `/inventory/${product.id}/adjustments`, body), 422, 'validation_failed');
    expect(fields(error)).toEqual(expected);
    expect(seeded.store.inventory.get(product.id)!.quantity).toBe(before);
  });

  it('accepts a reason of exactly 500 characters once trimmed', async () => {
    const product = [...seeded.store.products.values()][4]!;
    const reply = await send('POST', `/inventory/${product.id}/adjustments`, { quantity: 1, reason: ` ${'r'.repeat(500)} ` });
    expect(reply.status).toBe(200);
  });
});

describe('order state machine', () => {
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
    const before = structuredClone(order);
    seeded.api.advance(1000);
    const reply = await send('PATCH', `/orders/${order.id}/status`, { status: to });
    if (ORDER_TRANSITIONS[from].includes(to)) {
      expect(reply.status).toBe(200);
      expect(reply.body.data).toMatchObject({
        id: order.id,
        status: to,
        updated_at: new Date(seeded.api.now()).toISOString(),
        created_at: before.created_at,
        total: before.total,
      });
      expect((await send('GET', `/orders/${order.id}`)).body.data).toEqual(reply.body.data);
    } else {
      const error = expectError(reply, 422, 'validation_failed');
      expect(error.fieldErrors).toHaveLength(1);
      expect(error.fieldErrors[0].field).toBe('status');
      const allowed = ORDER_TRANSITIONS[from];
      expect(error.fieldErrors[0].message).toContain(allowed.length === 0 ? 'is final' : `allowed next: ${allowed.join(', ')}`);
      expect((await send('GET', `/orders/${order.id}`)).body.data).toEqual(before);
    }
  });

  it('keeps payment coherent: a cancel or a return refunds what was paid; a completed cash order is paid', async () => {
    const paid = fresh('confirmed', 'paid');
    expect((await send('PATCH', `/orders/${paid.id}/status`, { status: 'cancelled' })).body.data.payment_status).toBe('refunded');
    const unpaid = fresh('pending', 'pending');
    expect((await send('PATCH', `/orders/${unpaid.id}/status`, { status: 'cancelled' })).body.data.payment_status).toBe('pending');
    const cash = fresh('in_progress', 'pending');
    expect((await send('PATCH', `/orders/${cash.id}/status`, { status: 'completed' })).body.data.payment_status).toBe('paid');

    const completed = fresh('completed');
    const customer = seeded.store.customers.get(completed.customer_id)!;
    const spentBefore = customerView(seeded.store, customer).total_spent;
    expect((await send('PATCH', `/orders/${completed.id}/status`, { status: 'returned' })).body.data.payment_status).toBe('refunded');
    const after = (await send('GET', `/customers/${customer.id}`)).body.data;
    expect(after.total_spent).toBeCloseTo(spentBefore - completed.total, 2);
  });

  it.each([[{}], [{ status: 'shipped' }], [{ status: 'confirmed', note: 'x' }], [{ status: null }]])('refuses %j', async (body) => {
    const order = [...seeded.store.orders.values()].find((o) => o.status === 'pending')!;
    const error = expectError(await send('PATCH', `/orders/${order.id}/status`, body), 422, 'validation_failed');
    expect(error.fieldErrors.length).toBeGreaterThan(0);
    expect(order.status).toBe('pending');
  });
});
