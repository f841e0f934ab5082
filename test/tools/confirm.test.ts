/**
 * Before a destructive write the person is asked (form elicitation), once, with the record
 * named as the merchant knows it; "no" changes nothing (no write reaches the API); a host
 * without elicitation is never blocked; WHATALO_CONFIRM_WRITES/confirmWrites turns it off.
 * Against a fake API v1 on 127.0.0.1, counting the requests that reached it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type FakeApi, INVENTORY, PRODUCT, startFakeApi } from '../api/fake-api.js';
import { textOf } from '../helpers/mcp.js';
import { type ToolSession, no, startToolSession, yes } from './session.js';

const ORDER = {
  id: '819365047283',
  order_number: 1042,
  status: 'confirmed',
  payment_status: 'paid',
  currency: 'MXN',
  customer_name: 'Juan García',
  total: 5200,
  created_at: '2026-03-13T01:13:19.687Z',
};
const CATEGORY = { id: '104728193650', name: 'Chiles secos', slug: 'chiles-secos', is_active: true, created_at: '2026-01-01T00:00:00Z' };
const DISCOUNT = { id: 'disc_8f2k1m', code: 'FINDE10', type: 'percentage', value: 10, is_active: true };

let api: FakeApi;
let session: ToolSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
  await api?.close();
});

/** A fake API holding one of each record; writes answer as Whatalo does. */
async function fakeStore(): Promise<FakeApi> {
  let stock = INVENTORY.stock_quantity;
  return startFakeApi((req) => {
    const path = req.url.split('?')[0]!;
    if (path === '/v1/store') return { body: { data: { id: 'str_8k2m4n6p', name: 'Doña Rosa', currency: 'MXN', timezone: 'America/Mexico_City' } } };
    if (req.method === 'DELETE') return { body: { data: { deleted: true } } };
    if (path.startsWith('/v1/products/')) return { body: { data: PRODUCT } };
    if (path.startsWith('/v1/categories/')) return { body: { data: CATEGORY } };
    if (path.startsWith('/v1/discounts/')) return { body: { data: DISCOUNT } };
    if (path.startsWith('/v1/inventory/products/')) {
      if (req.method === 'PATCH') stock += (req.body as { quantity: number }).quantity;
      return { body: { data: { ...INVENTORY, stock_quantity: stock } } };
    }
    if (path.startsWith('/v1/orders/')) return { body: { data: req.method === 'PATCH' ? { ...ORDER, ...(req.body as object) } : ORDER } };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no' } } };
  });
}

const writes = () => api.received.filter((r) => r.method !== 'GET');

const DESTRUCTIVE: [string, Record<string, unknown>, RegExp][] = [
  ['delete_product', { product_id: PRODUCT.id }, /^Delete «Chile Chipotle Seco 100 g» \(SKU CH-100\)\? It cannot be undone\.$/],
  ['delete_category', { category_id: CATEGORY.id }, /^Delete the category «Chiles secos»\? Its products stay, uncategorized\. It cannot be undone\.$/],
  ['delete_discount', { discount_id: DISCOUNT.id }, /^Delete the discount code FINDE10\? It cannot be undone\.$/],
  ['update_order_status', { order_id: ORDER.id, status: 'cancelled' }, /^Cancel order #1042 for Juan García \(5,200\.00 MXN\)\? It cannot be undone\.$/],
  ['update_order_status', { order_id: ORDER.id, status: 'returned' }, /^Mark as returned order #1042/],
  [
    'adjust_inventory',
    { product_id: PRODUCT.id, delta: -3, reason: 'sold out at the market' },
    /^Take 3 of «Chile Chipotle Seco 100 g» \(SKU CH-100\) out of stock \(sold out at the market\)\? It then has 0 left\.$/,
  ],
];

describe('a host with form elicitation is asked once per destructive call', () => {
  it.each(DESTRUCTIVE)('%s %j: "no" changes nothing and says so', async (name, args, question) => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'form', answer: no });
    const result = await session.call(name, args);
    expect(result.isError).toBeFalsy();
    expect(session.questions).toHaveLength(1);
    expect(session.questions[0]).toMatch(question);
    expect(textOf(result)).toMatch(/^Nothing was changed: the merchant did not confirm/);
    expect(writes()).toEqual([]);
  });

  it.each(DESTRUCTIVE)('%s %j: "yes" makes exactly one write', async (name, args) => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'form', answer: yes });
    const result = await session.call(name, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(session.questions).toHaveLength(1);
    expect(writes()).toHaveLength(1);
  });

  it('a dismissed or declined form is a "no"; so is a host that fails to answer', async () => {
    for (const answer of [() => ({ action: 'cancel' as const }), () => ({ action: 'decline' as const })]) {
      api = await fakeStore();
      session = await startToolSession({ apiBase: api.apiBase, elicitation: 'form', answer });
      expect(textOf(await session.call('delete_product', { product_id: PRODUCT.id }))).toMatch(/^Nothing was changed/);
      expect(writes()).toEqual([]);
      await session.close();
      session = undefined;
      await api.close();
    }
    api = await fakeStore();
    session = await startToolSession({
      apiBase: api.apiBase,
      elicitation: 'form',
      answer: () => {
        throw new Error('host UI crashed');
      },
    });
    expect(textOf(await session.call('delete_product', { product_id: PRODUCT.id }))).toMatch(/^Nothing was changed/);
    expect(writes()).toEqual([]);
  });

  it('a host that declares elicitation as an empty object (form only, MCP 2025-11-25) is asked too', async () => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'legacy', answer: yes });
    await session.call('delete_discount', { discount_id: DISCOUNT.id });
    expect(session.questions).toHaveLength(1);
    expect(writes()).toHaveLength(1);
  });

  it('what is not destructive is not asked: a stock change that leaves some, a status move forward, a hide', async () => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'form', answer: no });
    for (const [name, args] of [
      ['adjust_inventory', { product_id: PRODUCT.id, delta: -1, reason: 'sold' }],
      ['adjust_inventory', { product_id: PRODUCT.id, delta: 5, reason: 'delivery' }],
      ['update_order_status', { order_id: ORDER.id, status: 'in_progress' }],
      ['deactivate_product', { product_id: PRODUCT.id }],
    ] as const) {
      const result = await session.call(name, args);
      expect(result.isError, textOf(result)).toBeFalsy();
    }
    expect(session.questions).toEqual([]);
    expect(writes()).toHaveLength(4);
  });
});

describe('never blocked', () => {
  it.each(DESTRUCTIVE)('%s: a host without elicitation runs it as before (its own approval of destructive tools)', async (name, args) => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'none' });
    const result = await session.call(name, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(writes()).toHaveLength(1);
    // Nothing read just to ask a question nobody will see.
    expect(api.received.filter((r) => r.method === 'GET' && !r.url.startsWith('/v1/store'))).toEqual([]);
  });

  it('confirmWrites false (WHATALO_CONFIRM_WRITES=off) asks nothing, for automation', async () => {
    api = await fakeStore();
    session = await startToolSession({ apiBase: api.apiBase, elicitation: 'form', answer: no, confirmWrites: false });
    await session.call('delete_product', { product_id: PRODUCT.id });
    expect(session.questions).toEqual([]);
    expect(writes()).toHaveLength(1);
    expect(loadConfig({ WHATALO_CONFIRM_WRITES: 'off' }).confirmWrites).toBe(false);
    expect(loadConfig({ WHATALO_CONFIRM_WRITES: 'false' }).confirmWrites).toBe(false);
    expect(loadConfig({ WHATALO_CONFIRM_WRITES: 'true' }).confirmWrites).toBe(true);
    expect(loadConfig({}).confirmWrites).toBe(true);
    expect(() => loadConfig({ WHATALO_CONFIRM_WRITES: 'maybe' })).toThrow(/WHATALO_CONFIRM_WRITES must be true or false/);
  });
});
