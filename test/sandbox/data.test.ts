/**
 * The seed: deterministic, fast, in Whatalo's shapes (CONTRACT V5 ids and money), with what
 * the tools and their tests need to find: variants, hidden, featured, low-stock and sold-out
 * products, customers with and without orders, every order and payment status, discounts in
 * every state, a store with 500+ orders over months, and a store behind the plan gate.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, PAYMENT_STATUSES, SEED_EPOCH_MS, createSeedData, customerTotals, discountView, newId, toCents } from '../../src/sandbox/data.js';

const NUMERIC_ID = /^[1-9]\d{11}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seed data', () => {
  it('is deterministic and fast: two seeds are deep-equal, ids included', () => {
    const started = performance.now();
    const a = createSeedData();
    // It runs at every sandbox start; a slow seed would slow every test that starts one.
    expect(performance.now() - started).toBeLessThan(1000);
    const b = createSeedData();
    expect(a).toEqual(b);
    expect(newId(a, 'number')).toBe(newId(b, 'number'));
  });

  it('has one merchant with three stores in Latin-American currencies, one on a plan without inventory control and discounts', () => {
    const data = createSeedData();
    expect(data.merchant.id).toMatch(/^usr_[0-9a-f]{16}$/);
    expect(data.stores.map((s) => [s.name, s.currency, s.country_code, s.plan_name])).toEqual([
      ['La Milpa Mercado', 'MXN', 'MX', 'Pro'],
      ['Colmado Doña Carmen', 'DOP', 'DO', 'Pro'],
      ['Tostadores del Quindío', 'COP', 'CO', 'Emprendedor'],
    ]);
    expect(data.stores.map((s) => data.byStore.get(s.id)!.lacks)).toEqual([[], [], ['inventory', 'discounts']]);
    for (const store of data.stores) {
      expect(store.id).toMatch(/^str_[0-9a-z]{8}$/);
      expect(data.byStore.get(store.id)!.store).toBe(store);
      expect(Date.parse(store.created_at)).toBeLessThan(SEED_EPOCH_MS);
      expect(store.storefront_url).toMatch(/^https:\/\//);
      expect(Intl.DateTimeFormat('en', { timeZone: store.timezone }).resolvedOptions().timeZone).toBe(store.timezone);
      expect(store.has_custom_domain).toBe(store.custom_domain !== null);
    }
  });

  it('gives the first store 500+ orders over several months', () => {
    const data = createSeedData();
    const orders = [...data.byStore.get(data.stores[0]!.id)!.orders.values()];
    expect(orders.length).toBeGreaterThanOrEqual(520);
    const months = new Set(orders.map((o) => o.created_at.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(6);
  });

  it.each([0, 1, 2])('store %i has a catalog, customers, orders and discounts in Whatalo’s shapes', (index) => {
    const data = createSeedData();
    const store = data.byStore.get(data.stores[index]!.id)!;
    const currency = store.store.currency;

    const products = [...store.products.values()];
    expect(products.length).toBeGreaterThanOrEqual(15);
    const kinds = {
      hidden: products.filter((p) => !p.is_active),
      featured: products.filter((p) => p.is_featured),
      withVariants: products.filter((p) => p.variants.length > 0),
      soldOut: products.filter((p) => p.stock_quantity === 0),
      lowStock: products.filter((p) => p.stock_quantity > 0 && p.stock_quantity <= p.low_stock_threshold),
      onSale: products.filter((p) => p.compare_price !== null),
      uncategorized: products.filter((p) => p.category_id === null),
    };
    for (const [kind, list] of Object.entries(kinds)) expect(list.length, kind).toBeGreaterThan(0);
    for (const p of products) {
      expect(p.id).toMatch(NUMERIC_ID);
      expect(p).not.toHaveProperty('currency');
      expect(p).not.toHaveProperty('status');
      expect(p.price).toBeGreaterThan(0);
      expect(toCents(p.price) / 100).toBe(p.price);
      if (p.compare_price !== null) expect(p.compare_price).toBeGreaterThan(p.price);
      if (p.category_id !== null) expect(store.categories.has(p.category_id)).toBe(true);
      for (const v of p.variants) expect(v.id).toMatch(UUID);
      expect(Date.parse(p.updated_at)).toBeGreaterThanOrEqual(Date.parse(p.created_at));
    }
    expect(new Set(products.map((p) => p.slug)).size).toBe(products.length);
    for (const category of store.categories.values()) {
      expect(category.id).toMatch(NUMERIC_ID);
      expect(Object.keys(category).sort()).toEqual(['created_at', 'id', 'is_active', 'name', 'slug']);
    }

    const customers = [...store.customers.values()];
    expect(customers.length).toBeGreaterThanOrEqual(30);
    for (const c of customers) expect(c.id).toMatch(NUMERIC_ID);
    expect(customers.some((c) => c.email === null)).toBe(true);
    expect(customers.some((c) => c.phone === null)).toBe(true);

    const orders = [...store.orders.values()];
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
    expect(new Set(orders.map((o) => o.payment_status))).toEqual(new Set(PAYMENT_STATUSES));
    expect(new Set(orders.map((o) => o.order_number)).size).toBe(orders.length);
    for (const o of orders) {
      expect(o.id).toMatch(NUMERIC_ID);
      expect(Number.isInteger(o.order_number)).toBe(true);
      expect(o.currency).toBe(currency);
      if (o.customer_id !== null) {
        const customer = store.customers.get(o.customer_id)!;
        expect(customer.name).toBe(o.customer_name);
        expect(Date.parse(o.created_at)).toBeGreaterThan(Date.parse(customer.created_at));
      }
      expect(o.items.length).toBeGreaterThan(0);
      let subtotal = 0;
      for (const item of o.items) {
        expect(item.id).toMatch(NUMERIC_ID);
        const product = store.products.get(item.product_id!)!;
        expect(product.name).toBe(item.product_name);
        if (item.variant_id !== null) expect(product.variants.map((v) => v.id)).toContain(item.variant_id);
        expect(toCents(item.total_price)).toBe(toCents(item.unit_price) * item.quantity);
        subtotal += toCents(item.total_price);
      }
      expect(toCents(o.subtotal)).toBe(subtotal);
      expect(toCents(o.total)).toBe(subtotal - toCents(o.discount_amount) + toCents(o.shipping_cost) + toCents(o.tax_amount));
      expect(Date.parse(o.created_at)).toBeLessThan(SEED_EPOCH_MS);
      expect(Date.parse(o.updated_at)).toBeGreaterThanOrEqual(Date.parse(o.created_at));
      // Coherent pairs: a completed order was paid; a refund only follows a cancel or a return.
      if (o.status === 'completed') expect(o.payment_status).toBe('paid');
      if (o.status === 'returned') expect(o.payment_status).toBe('refunded');
      if (o.payment_status === 'refunded') expect(['cancelled', 'returned']).toContain(o.status);
      expect(o.completed_at !== null).toBe(o.status === 'completed' || o.status === 'returned');
    }
    // Numbers follow time.
    const byNumber = [...orders].sort((a, b) => a.order_number - b.order_number);
    for (let i = 1; i < byNumber.length; i++) expect(byNumber[i]!.created_at >= byNumber[i - 1]!.created_at).toBe(true);
    const totals = customerTotals(store);
    expect([...totals.values()].reduce((n, t) => n + t.orders_count, 0)).toBe(orders.filter((o) => o.customer_id !== null).length);
    expect(totals.size).toBeLessThan(customers.length); // some customers never ordered

    const discounts = [...store.discounts.values()].map((d) => discountView(d, SEED_EPOCH_MS));
    for (const d of discounts) expect(d.id).toMatch(/^disc_[0-9a-z]{12}$/);
    expect(discounts.some((d) => d.is_usable)).toBe(true);
    expect(discounts.some((d) => d.is_expired)).toBe(true);
    expect(discounts.some((d) => !d.is_active)).toBe(true);
  });

  it('never reuses an id across stores or for new records', () => {
    const data = createSeedData();
    const ids = [data.merchant.id];
    for (const s of data.byStore.values()) {
      ids.push(s.store.id, ...s.products.keys(), ...s.categories.keys(), ...s.customers.keys(), ...s.orders.keys(), ...s.discounts.keys());
      for (const o of s.orders.values()) ids.push(...o.items.map((i) => i.id));
    }
    expect(new Set(ids).size).toBe(ids.length);
    const fresh = Array.from({ length: 50 }, () => newId(data, 'number'));
    expect(fresh.every((id) => NUMERIC_ID.test(id) && !ids.includes(id))).toBe(true);
    expect(new Set(fresh).size).toBe(50);
  });
});
