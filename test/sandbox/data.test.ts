import { describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  PAYMENT_STATUSES,
  PRODUCT_STATUSES,
  SEED_EPOCH_MS,
  categoryView,
  createSeedData,
  customerView,
  newId,
  toCents,
} from '../../src/sandbox/data.js';

const ID_SHAPE = (prefix: string) => new RegExp(`^${prefix}_[0-9a-z]{8}$`);

describe('seed data', () => {
  it('is deterministic: two seeds are deep-equal, ids included', () => {
    const a = createSeedData();
    const b = createSeedData();
    expect(a).toEqual(b);
    expect(newId(a, 'prd')).toBe(newId(b, 'prd'));
  });

  it('has one merchant with two stores in different currencies', () => {
    const data = createSeedData();
    expect(data.merchant.id).toMatch(ID_SHAPE('usr'));
    expect(data.merchant.email).toMatch(/@example\.(com|mx)$/);
    expect(data.stores).toHaveLength(2);
    const [a, b] = data.stores;
    expect(a!.currency).not.toBe(b!.currency);
    for (const store of data.stores) {
      expect(store.id).toMatch(ID_SHAPE('str'));
      expect(data.byStore.get(store.id)!.store).toBe(store);
      expect(Date.parse(store.created_at)).toBeLessThan(SEED_EPOCH_MS);
    }
  });

  it.each([0, 1])('store %i has a realistic catalog, customers and orders', (index) => {
    const data = createSeedData();
    const store = data.byStore.get(data.stores[index]!.id)!;
    const currency = store.store.currency;

    const products = [...store.products.values()];
    expect(products.length).toBeGreaterThanOrEqual(50);
    expect(new Set(products.map((p) => p.status))).toEqual(new Set(PRODUCT_STATUSES));
    expect(store.categories.size).toBeGreaterThanOrEqual(5);
    for (const p of products) {
      expect(p.id).toMatch(ID_SHAPE('prd'));
      expect(p.currency).toBe(currency);
      expect(p.price).toBeGreaterThan(0);
      expect(toCents(p.price) / 100).toBe(p.price);
      if (p.category_id !== null) expect(store.categories.has(p.category_id)).toBe(true);
      const inventory = store.inventory.get(p.id);
      expect(inventory).toMatchObject({ product_id: p.id, sku: p.sku });
      expect(inventory!.quantity).toBeGreaterThanOrEqual(0);
      expect(Date.parse(p.updated_at)).toBeGreaterThanOrEqual(Date.parse(p.created_at));
    }
    expect(store.inventory.size).toBe(products.length);
    for (const category of store.categories.values()) {
      expect(category.id).toMatch(ID_SHAPE('cat'));
      expect(categoryView(store, category).product_count).toBeGreaterThan(0);
    }

    const customers = [...store.customers.values()];
    expect(customers.length).toBeGreaterThanOrEqual(100);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
    for (const c of customers) {
      expect(c.id).toMatch(ID_SHAPE('cus'));
      expect(c.email).toMatch(/^[a-z0-9.]+@example\.(com|mx)$/);
    }

    const orders = [...store.orders.values()];
    expect(orders.length).toBeGreaterThanOrEqual(200);
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
    expect(new Set(orders.map((o) => o.payment_status))).toEqual(new Set(PAYMENT_STATUSES));
    expect(new Set(orders.map((o) => o.number)).size).toBe(orders.length);
    for (const o of orders) {
      expect(o.id).toMatch(ID_SHAPE('ord'));
      expect(o.currency).toBe(currency);
      const customer = store.customers.get(o.customer_id);
      expect(customer?.name).toBe(o.customer_name);
      expect(o.items.length).toBeGreaterThan(0);
      let subtotal = 0;
      for (const item of o.items) {
        const product = store.products.get(item.product_id);
        expect(product?.name).toBe(item.name);
        expect(Number.isInteger(item.quantity) && item.quantity > 0).toBe(true);
        expect(toCents(item.total)).toBe(toCents(item.unit_price) * item.quantity);
        subtotal += toCents(item.total);
      }
      expect(toCents(o.subtotal)).toBe(subtotal);
      expect(toCents(o.total)).toBe(toCents(o.subtotal) + toCents(o.shipping));
      expect(Date.parse(o.created_at)).toBeLessThan(SEED_EPOCH_MS);
      expect(Date.parse(o.updated_at)).toBeGreaterThanOrEqual(Date.parse(o.created_at));
      expect(Date.parse(o.created_at)).toBeGreaterThan(Date.parse(customer!.created_at));
      // Coherent pairs: a completed order was paid; a refund only follows a cancel or a return.
      if (o.status === 'completed') expect(o.payment_status).toBe('paid');
      if (o.status === 'returned') expect(o.payment_status).toBe('refunded');
      if (o.payment_status === 'refunded') expect(['cancelled', 'returned']).toContain(o.status);
      if (o.payment_status === 'failed') expect(['pending', 'cancelled']).toContain(o.status);
    }
    // Numbers follow time.
    const byNumber = [...orders].sort((a, b) => a.number - b.number);
    for (let i = 1; i < byNumber.length; i++) expect(byNumber[i]!.created_at >= byNumber[i - 1]!.created_at).toBe(true);

    const withOrders = customers.map((c) => customerView(store, c)).filter((c) => c.orders_count > 0);
    expect(withOrders.length).toBeGreaterThan(50);
    const total = withOrders.reduce((n, c) => n + c.orders_count, 0);
    expect(total).toBe(orders.length);
  });

  it('never reuses an id across stores or for new records', () => {
    const data = createSeedData();
    const ids = [data.merchant.id];
    for (const s of data.byStore.values()) {
      ids.push(s.store.id, ...s.products.keys(), ...s.categories.keys(), ...s.customers.keys(), ...s.orders.keys());
    }
    expect(new Set(ids).size).toBe(ids.length);
    const fresh = Array.from({ length: 50 }, () => newId(data, 'prd'));
    expect(fresh.every((id) => !ids.includes(id))).toBe(true);
    expect(new Set(fresh).size).toBe(50);
  });
});
