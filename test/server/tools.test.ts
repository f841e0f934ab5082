/**
 * Every tool through the real stdio server (node dist/cli.js serve) against the sandbox in
 * its default, documented mode (CONTRACT §4): first-use sign-in from a tool call, each read,
 * each write visible in a later read, a refusal per write from the API's own answer (its 422
 * field errors named by the tool's argument), paging a whole list by cursor, confirmation
 * before destructive writes (a "no" leaves the sandbox's records as they were), and bad
 * arguments for every tool as isError with the server still answering. The SDK Client checks
 * each structuredContent against the listed outputSchema, so a shape mismatch fails here too.
 */
import { type CallToolResult, CallToolResultSchema, ElicitRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/scopes.js';
import type { RunningHttpServer } from '../../src/server/http/index.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { type McpSession, sandboxEnv, startMcp, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { TestProvider, connect } from '../helpers/sdk-http-client.js';

let sb: TestSandbox;
let mcp: McpSession;
let storeId: string;
/** What the person answers when the server asks before a destructive write. */
let confirmAnswer = true;
const questions: string[] = [];
const called = new Set<string>();

type Data = Record<string, any>;

async function ok(name: string, args: Record<string, unknown> = {}): Promise<Data> {
  called.add(name);
  const result = await mcp.call(name, args);
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  expect(result.structuredContent).toBeTypeOf('object');
  // A host that reads only text gets the summary and then the same data as JSON.
  const [summary, json, ...rest] = result.content.map((c) => (c.type === 'text' ? c.text : `(${c.type})`));
  expect(summary!.length).toBeGreaterThan(0);
  expect(JSON.parse(json!)).toEqual(result.structuredContent);
  expect(rest).toEqual([]);
  return result.structuredContent as Data;
}

async function fails(name: string, args: Record<string, unknown>): Promise<string> {
  const result: CallToolResult = await mcp.call(name, args);
  expect(result.isError, `${name} ${JSON.stringify(args)} should fail: ${JSON.stringify(result.structuredContent)}`).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return textOf(result);
}

beforeAll(async () => {
  sb = await startTestSandbox({ autoApprove: 'first' });
  storeId = sb.stores[0]!.id;
  mcp = await startMcp({
    env: sandboxEnv(sb),
    clientOptions: { capabilities: { elicitation: { form: {} } } },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        questions.push(request.params.message);
        return { action: 'accept', content: { confirm: confirmAnswer } };
      }),
  });
  await mcp.client.listTools(); // lets the client validate structuredContent against outputSchema
});
afterAll(async () => {
  await mcp?.close();
  await sb?.close();
});

describe('first use', () => {
  it("a tool call signs in through the browser (auto-approved) and returns the tool's result", async () => {
    const data = await ok('get_store');
    expect(data.store).toMatchObject({ id: storeId, currency: 'MXN', timezone: expect.any(String), country_code: expect.any(String) });
    const stats = await sb.stats();
    expect(stats.grants.authorization_code).toBe(1);
    expect(stats.registrations).toBe(1);
    // Least privilege: the first grant holds read scopes only, none outside Whatalo's fifteen.
    const [grant] = await sb.grants();
    expect(grant!.scope.split(' ').every((s) => s.startsWith('read:'))).toBe(true);
    expect(grant!.scope).not.toMatch(/categories/);
  });
});

describe('reads', () => {
  it('list_products defaults to every product, hidden ones included; pages through ALL of them by cursor', async () => {
    const counted = (await ok('count_products', {})).count;
    const hidden = (await ok('count_products', { status: 'inactive' })).count;
    expect(hidden).toBeGreaterThan(0);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const data = await ok('list_products', cursor ? { cursor } : { limit: 7 });
      expect(data.total).toBe(counted);
      seen.push(...data.items.map((p: Data) => p.id));
      expect(data.has_more).toBe(data.next_cursor !== null);
      cursor = data.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(counted);
    expect(new Set(seen).size).toBe(counted);
    expect(seen.every((id) => /^\d{12}$/.test(id))).toBe(true);
  });

  it('list_products filters: status, featured, price range, stock status, category, query, sort; filters bound to the cursor', async () => {
    const inactive = await ok('list_products', { status: 'inactive', limit: 100 });
    expect(inactive.items.length).toBeGreaterThan(0);
    expect(inactive.items.every((p: Data) => p.is_active === false)).toBe(true);
    const cheap = await ok('list_products', { min_price: 10, max_price: 60, sort: 'price', order: 'asc', limit: 100 });
    expect(cheap.items.every((p: Data) => p.price >= 10 && p.price <= 60)).toBe(true);
    const prices = cheap.items.map((p: Data) => p.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const low = await ok('list_products', { stock_status: 'low_stock', limit: 100 });
    expect(low.items.length).toBeGreaterThan(0);
    expect(low.items.every((p: Data) => p.stock_quantity > 0 && p.stock_quantity <= p.low_stock_threshold)).toBe(true);
    const featured = await ok('list_products', { featured: true, limit: 100 });
    expect(featured.items.every((p: Data) => p.is_featured === true)).toBe(true);
    const categories = (await ok('list_categories', { limit: 100 })).items.slice(0, 2).map((c: Data) => c.id);
    const inTwo = await ok('list_products', { category_id: categories.join(','), limit: 100 });
    expect(inTwo.items.length).toBeGreaterThan(0);
    expect(inTwo.items.every((p: Data) => categories.includes(p.category_id))).toBe(true);
    const one = inTwo.items[0];
    expect((await ok('list_products', { query: one.sku, limit: 5 })).items.map((p: Data) => p.id)).toContain(one.id);
    const first = await ok('list_products', { status: 'active', limit: 2 });
    expect(await fails('list_products', { status: 'inactive', cursor: first.next_cursor })).toMatch(/^Invalid argument cursor: it belongs to another list/);
  });

  it('get_product (with variants), get_inventory (product and variants), get_category', async () => {
    const all = (await ok('list_products', { limit: 100 })).items as Data[];
    const withVariants = all.find((p) => Array.isArray(p.variants) && p.variants.length > 0) ?? all[0]!;
    const product = (await ok('get_product', { product_id: withVariants.id })).product;
    expect(product).toMatchObject({ id: withVariants.id, is_active: expect.any(Boolean), price: expect.any(Number) });
    const inventory = (await ok('get_inventory', { product_id: product.id })).inventory;
    expect(inventory).toMatchObject({ product_id: product.id, stock_quantity: expect.any(Number) });
    expect(inventory.variants?.length ?? 0).toBe(product.variants?.length ?? 0);
    const category = (await ok('list_categories', { limit: 1 })).items[0];
    expect((await ok('get_category', { category_id: category.id })).category).toMatchObject({ id: category.id, name: category.name });
  });

  it('customers: list with filters and sort ("best customers"), count, get', async () => {
    const total = (await ok('count_customers')).count;
    expect(total).toBeGreaterThan(3);
    const best = await ok('list_customers', { sort: 'total_spent', order: 'desc', has_orders: true, limit: 5 });
    const spent = best.items.map((c: Data) => c.total_spent);
    expect(spent).toEqual([...spent].sort((a, b) => b - a));
    const customer = best.items[0];
    expect((await ok('get_customer', { customer_id: customer.id })).customer.id).toBe(customer.id);
    const byCustomer = await ok('list_orders', { customer_id: customer.id, limit: 100 });
    expect(byCustomer.items.length).toBeGreaterThan(0);
    expect(byCustomer.items.every((o: Data) => o.customer_id === customer.id)).toBe(true);
    const big = await ok('list_customers', { min_spent: customer.total_spent, limit: 100 });
    expect(big.items.every((c: Data) => c.total_spent >= customer.total_spent)).toBe(true);
  });

  it('orders: status lists, payment status, date range in the store day, totals, count, get with items', async () => {
    const waiting = await ok('list_orders', { status: 'pending,confirmed', limit: 100 });
    expect(waiting.items.every((o: Data) => ['pending', 'confirmed'].includes(o.status))).toBe(true);
    const pendingCount = (await ok('count_orders', { status: 'pending,confirmed' })).count;
    expect(waiting.total).toBe(pendingCount);
    const paid = await ok('list_orders', { payment_status: 'paid', min_total: 100, limit: 50 });
    expect(paid.items.every((o: Data) => o.payment_status === 'paid' && o.total >= 100)).toBe(true);
    const september = await ok('list_orders', { created_after: '2026-09-01', created_before: '2026-10-01', limit: 100 });
    expect(september.items.length).toBeGreaterThan(0);
    const order = (await ok('get_order', { order_id: september.items[0].id })).order;
    expect(order).toMatchObject({ id: september.items[0].id, order_number: expect.any(Number), items: expect.any(Array) });
    expect(order.items.length).toBeGreaterThan(0);
    expect(order.items[0]).toMatchObject({ product_name: expect.any(String), quantity: expect.any(Number), total_price: expect.any(Number) });
  });

  it('get_sales_summary counts exactly the paid orders that are not cancelled or returned, in the store currency', async () => {
    const summary = await ok('get_sales_summary', { from: '2026-07-01', to: '2026-10-01', top: 3 });
    expect(summary).toMatchObject({ currency: 'MXN', currency_decimals: 2, timezone: expect.any(String) });
    expect(summary.top_products.length).toBeLessThanOrEqual(3);
    let counted = 0;
    let revenueCents = 0;
    let cursor: string | undefined;
    do {
      const page = await ok('list_orders', {
        payment_status: 'paid',
        created_after: '2026-07-01',
        created_before: '2026-10-01',
        ...(cursor ? { cursor } : { limit: 100 }),
      });
      for (const o of page.items)
        if (o.status !== 'cancelled' && o.status !== 'returned' && o.created_at < '2026-10-01T06:00:00Z') {
          counted++;
          revenueCents += Math.round(o.total * 100);
        }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(counted).toBeGreaterThan(0);
    expect(summary.order_count).toBe(counted);
    expect(summary.revenue).toBe(revenueCents / 100);
    expect(summary.by_day.reduce((n: number, d: Data) => n + d.orders, 0)).toBe(counted);
    expect(await fails('get_sales_summary', { from: '2026-10-01', to: '2026-09-01' })).toMatch(/^Invalid argument to: must be later than from/);
  });

  it('discounts: list (all by default), get, validate', async () => {
    const list = await ok('list_discounts', { limit: 100 });
    expect(list.items.length).toBeGreaterThan(0);
    const discount = list.items.find((d: Data) => d.is_usable) ?? list.items[0];
    expect((await ok('get_discount', { discount_id: discount.id })).discount).toMatchObject({ id: discount.id, code: discount.code });
    const check = await ok('validate_discount', { code: discount.code, order_total: 100000 });
    expect(check.valid).toBe(discount.is_usable === true);
    const unknown = await ok('validate_discount', { code: 'NO-SUCH-CODE', order_total: 100 });
    expect(unknown).toMatchObject({ valid: false });
  });
});

describe('writes are visible in later reads; each is refused by the API with a message naming the argument', () => {
  let productId: string;
  let categoryId: string;
  let customerId: string;
  let discountId: string;

  it('create_product → get_product; a duplicate SKU is refused naming sku', async () => {
    const created = (await ok('create_product', { name: 'Taza de barro', price: 149.5, sku: 'E2E-TAZA-1', status: 'inactive' })).product;
    productId = created.id;
    expect(created).toMatchObject({ name: 'Taza de barro', price: 149.5, sku: 'E2E-TAZA-1', is_active: false });
    expect((await ok('get_product', { product_id: productId })).product).toMatchObject({ name: 'Taza de barro', price: 149.5 });
    const [grant] = (await sb.grants()).filter((g) => !g.revoked);
    expect(grant!.scope.split(' ')).toContain('write:products');
    expect(await fails('create_product', { name: 'Otra taza', price: 10, sku: 'E2E-TAZA-1' })).toMatch(/^Whatalo refused the values: sku is already used/);
  });

  it('update_product → get_product; null clears a field; compare_at_price below the price is refused by that name', async () => {
    await ok('update_product', { product_id: productId, price: 159, sku: null, status: 'active', compare_at_price: 199 });
    expect((await ok('get_product', { product_id: productId })).product).toMatchObject({ price: 159, sku: null, is_active: true, compare_price: 199 });
    expect(await fails('update_product', { product_id: productId })).toMatch(/at least one field/);
    expect(await fails('update_product', { product_id: productId, compare_at_price: 100 })).toMatch(
      /^Whatalo refused the values: compare_at_price must be greater/,
    );
  });

  it('deactivate_product hides it; update_product shows it again; a missing product is named', async () => {
    expect((await ok('deactivate_product', { product_id: productId })).product.is_active).toBe(false);
    expect((await ok('get_product', { product_id: productId })).product.is_active).toBe(false);
    expect((await ok('update_product', { product_id: productId, status: 'active' })).product.is_active).toBe(true);
    expect(await fails('deactivate_product', { product_id: '999999999999' })).toBe(`product '999999999999' not found in store ${storeId}`);
  });

  it('adjust_inventory → get_inventory; expected_quantity is checked; taking more than the stock is refused naming delta', async () => {
    const after = (await ok('adjust_inventory', { product_id: productId, delta: 12, reason: 'first delivery' })).inventory;
    expect(after).toMatchObject({ stock_quantity: 12, previous_quantity: 0 });
    expect((await ok('get_inventory', { product_id: productId })).inventory.stock_quantity).toBe(12);
    expect(await fails('adjust_inventory', { product_id: productId, delta: -1, reason: 'sold', expected_quantity: 5 })).toBe(
      'Stock is 12, not the expected 5; nothing was adjusted.',
    );
    expect((await ok('adjust_inventory', { product_id: productId, delta: -2, reason: 'sold', expected_quantity: 12 })).inventory.stock_quantity).toBe(10);
    expect(await fails('adjust_inventory', { product_id: productId, delta: -11, reason: 'sold' })).toMatch(
      /^Whatalo refused the values: delta would leave -1 in stock/,
    );
    expect((await ok('get_inventory', { product_id: productId })).inventory.stock_quantity).toBe(10);
  });

  it('a stock change that empties the product asks first: "no" leaves the stock, "yes" empties it', async () => {
    questions.length = 0;
    confirmAnswer = false;
    const kept = await ok('adjust_inventory', { product_id: productId, delta: -10, reason: 'sold out' });
    expect(kept).toMatchObject({ changed: false, inventory: { stock_quantity: 10 } });
    expect(questions).toEqual(['Take 10 of «Taza de barro» out of stock (sold out)? It then has 0 left.']);
    expect((await ok('get_inventory', { product_id: productId })).inventory.stock_quantity).toBe(10);
    confirmAnswer = true;
    expect((await ok('adjust_inventory', { product_id: productId, delta: -10, reason: 'sold out' })).inventory.stock_quantity).toBe(0);
    expect(questions).toHaveLength(2);
  });

  it('delete_product asks first: "no" keeps it (the sandbox still has it), "yes" deletes it', async () => {
    questions.length = 0;
    confirmAnswer = false;
    expect(await ok('delete_product', { product_id: productId })).toEqual({ id: productId, deleted: false });
    expect(questions).toEqual(['Delete «Taza de barro»? It cannot be undone.']);
    expect((await ok('get_product', { product_id: productId })).product.id).toBe(productId);
    confirmAnswer = true;
    expect(await ok('delete_product', { product_id: productId })).toEqual({ id: productId, deleted: true });
    expect(await fails('get_product', { product_id: productId })).toBe(`product '${productId}' not found in store ${storeId}`);
    expect(await fails('delete_product', { product_id: productId })).toBe(`product '${productId}' not found in store ${storeId}`);
  });

  it('categories: create → get; update (rename, hide) → get; a twin name is refused; delete asks first', async () => {
    const category = (await ok('create_category', { name: 'Barro E2E' })).category;
    categoryId = category.id;
    expect((await ok('get_category', { category_id: categoryId })).category).toMatchObject({ name: 'Barro E2E', slug: expect.any(String) });
    await ok('update_category', { category_id: categoryId, name: 'Barro fino E2E', is_active: false });
    expect((await ok('get_category', { category_id: categoryId })).category).toMatchObject({ name: 'Barro fino E2E', is_active: false });
    expect(await fails('create_category', { name: 'barro fino e2e' })).toMatch(
      /^Whatalo refused the values: name a category named 'Barro fino E2E' already exists/,
    );
    const other = (await ok('list_categories', { limit: 100 })).items.find((c: Data) => c.id !== categoryId);
    expect(await fails('update_category', { category_id: categoryId, name: other.name.toUpperCase() })).toMatch(
      new RegExp(`^Whatalo refused the values: name a category named '${other.name}' already exists`),
    );
    questions.length = 0;
    confirmAnswer = false;
    expect(await ok('delete_category', { category_id: categoryId })).toEqual({ id: categoryId, deleted: false });
    expect((await ok('get_category', { category_id: categoryId })).category.id).toBe(categoryId);
    confirmAnswer = true;
    expect(await ok('delete_category', { category_id: categoryId })).toEqual({ id: categoryId, deleted: true });
    expect(questions).toHaveLength(2);
    expect(await fails('delete_category', { category_id: categoryId })).toBe(`category '${categoryId}' not found in store ${storeId}`);
  });

  it('orders: status moves (cancel asks first), payment status; a forbidden move is refused naming status', async () => {
    const pending = (await ok('list_orders', { status: 'pending', limit: 1 })).items[0];
    expect(pending).toBeDefined();
    expect((await ok('update_order_status', { order_id: pending.id, status: 'confirmed' })).order.status).toBe('confirmed');
    expect((await ok('get_order', { order_id: pending.id })).order.status).toBe('confirmed');
    expect(await fails('update_order_status', { order_id: pending.id, status: 'returned' })).toMatch(
      /^Whatalo refused the values: status cannot change status from 'confirmed' to 'returned'; allowed next: in_progress, cancelled/,
    );
    questions.length = 0;
    confirmAnswer = false;
    expect((await ok('update_order_status', { order_id: pending.id, status: 'cancelled' })).changed).toBe(false);
    expect(questions[0]).toMatch(new RegExp(`^Cancel order #${pending.order_number} for .+ \\([\\d,.]+ MXN\\)\\? It cannot be undone\\.$`));
    expect((await ok('get_order', { order_id: pending.id })).order.status).toBe('confirmed');
    const unpaid = (await ok('list_orders', { payment_status: 'pending', limit: 1 })).items[0];
    expect((await ok('update_payment_status', { order_id: unpaid.id, payment_status: 'paid' })).order.payment_status).toBe('paid');
    expect((await ok('get_order', { order_id: unpaid.id })).order.payment_status).toBe('paid');
    await ok('update_payment_status', { order_id: unpaid.id, payment_status: 'refunded' });
    expect(await fails('update_payment_status', { order_id: unpaid.id, payment_status: 'paid' })).toMatch(
      /^Whatalo refused the values: payment_status cannot change payment_status from 'refunded'/,
    );
  });

  it('customers: create → get, update → get; a bad phone is refused naming phone', async () => {
    const customer = (await ok('create_customer', { name: 'Rosa Pérez E2E', email: 'rosa.e2e@example.com', phone: '+52 55 1234 5678' })).customer;
    customerId = customer.id;
    expect((await ok('get_customer', { customer_id: customerId })).customer).toMatchObject({ name: 'Rosa Pérez E2E', email: 'rosa.e2e@example.com' });
    await ok('update_customer', { customer_id: customerId, notes: 'Prefers WhatsApp', email: null });
    expect((await ok('get_customer', { customer_id: customerId })).customer).toMatchObject({ notes: 'Prefers WhatsApp', email: null });
    expect(await fails('create_customer', { name: 'Bad phone', phone: 'call me maybe' })).toMatch(/^Whatalo refused the values: phone must be a phone number/);
    expect(await fails('update_customer', { customer_id: customerId, phone: 'nope' })).toMatch(/^Whatalo refused the values: phone /);
  });

  it('discounts: create (for some products) → get → validate; update; a 150 % code is refused naming value; delete asks first', async () => {
    const product = (await ok('list_products', { status: 'active', limit: 1 })).items[0];
    const discount = (await ok('create_discount', { code: 'FINDE-E2E', type: 'percentage', value: 10, product_ids: product.id, max_uses: 50 })).discount;
    discountId = discount.id;
    expect(discountId).toMatch(/^disc_/);
    expect((await ok('get_discount', { discount_id: discountId })).discount).toMatchObject({
      code: 'FINDE-E2E',
      value: 10,
      applicable_product_ids: [product.id],
    });
    expect((await ok('validate_discount', { code: 'FINDE-E2E', order_total: 1000 })).valid).toBe(true);
    await ok('update_discount', { discount_id: discountId, value: 15, is_active: false });
    expect((await ok('get_discount', { discount_id: discountId })).discount).toMatchObject({ value: 15, is_active: false });
    expect(await fails('create_discount', { code: 'MUCHO', type: 'percentage', value: 150 })).toMatch(
      /^Whatalo refused the values: value a percentage must be/,
    );
    expect(await fails('update_discount', { discount_id: discountId, code: 'finde-e2e', value: 200 })).toMatch(/^Whatalo refused the values: value /);
    questions.length = 0;
    confirmAnswer = false;
    expect(await ok('delete_discount', { discount_id: discountId })).toEqual({ id: discountId, deleted: false });
    expect(questions).toEqual(['Delete the discount code FINDE-E2E? It cannot be undone.']);
    expect((await ok('get_discount', { discount_id: discountId })).discount.id).toBe(discountId);
    confirmAnswer = true;
    expect(await ok('delete_discount', { discount_id: discountId })).toEqual({ id: discountId, deleted: true });
    expect(await fails('get_discount', { discount_id: discountId })).toBe(`discount '${discountId}' not found in store ${storeId}`);
  });

  it('every tool was called', () => {
    expect(ALL_TOOLS.map((t) => t.name).filter((n) => !called.has(n))).toEqual([]);
  });
});

describe('bad arguments never crash the server', () => {
  const ID = '472819365047';
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['get_store', { extra: 1 }, /extra/],
    ['list_products', { limit: 0 }, /limit/],
    ['list_products', { limit: 101 }, /limit/],
    ['list_products', { status: 'draft' }, /status/],
    ['list_products', { category_id: '1,../x' }, /category_id/],
    ['get_product', {}, /product_id/],
    ['get_product', { product_id: '../store' }, /product_id/],
    ['count_products', { status: 'sold' }, /status/],
    ['create_product', { name: 'x' }, /price/],
    ['create_product', { name: 'x', price: 1.234 }, /price/],
    ['create_product', { name: 'x', price: -1 }, /price/],
    ['update_product', { name: 'x' }, /product_id/],
    ['deactivate_product', {}, /product_id/],
    ['delete_product', { product_id: 42 }, /product_id/],
    ['get_inventory', { product_id: null }, /product_id/],
    ['adjust_inventory', { product_id: ID, delta: 0, reason: 'x' }, /delta/],
    ['adjust_inventory', { product_id: ID, delta: 1.5, reason: 'x' }, /delta/],
    ['adjust_inventory', { product_id: ID, delta: 1, reason: '  ' }, /reason/],
    ['list_categories', { cursor: '' }, /cursor/],
    ['get_category', { category_id: 'cat 1' }, /category_id/],
    ['create_category', { name: '' }, /name/],
    ['update_category', { category_id: 'cat 1' }, /category_id/],
    ['delete_category', {}, /category_id/],
    ['list_orders', { created_after: 'yesterday' }, /created_after/],
    ['list_orders', { status: 'pending,shipped' }, /status/],
    ['list_orders', { payment_status: 'free' }, /payment_status/],
    ['get_order', { order_id: ['1'] }, /order_id/],
    ['count_orders', { status: 'lost' }, /status/],
    ['update_order_status', { order_id: ID, status: 'shipped' }, /status/],
    ['update_payment_status', { order_id: ID, payment_status: 'free' }, /payment_status/],
    ['get_sales_summary', {}, /from/],
    ['get_sales_summary', { from: '2026-02-31' }, /from/],
    ['list_customers', { query: '' }, /query/],
    ['get_customer', { customer_id: '' }, /customer_id/],
    ['count_customers', { x: 1 }, /x/],
    ['create_customer', { email: 'a@b.co' }, /name/],
    ['update_customer', { customer_id: ID, email: 'not-an-email' }, /email/],
    ['list_discounts', { status: 'used' }, /status/],
    ['get_discount', { discount_id: 'a b' }, /discount_id/],
    ['create_discount', { code: 'X', type: 'bogo', value: 1 }, /type/],
    ['update_discount', { discount_id: 'disc_1', value: -5 }, /value/],
    ['delete_discount', {}, /discount_id/],
    ['validate_discount', { code: 'X' }, /order_total/],
  ];

  it.each(cases)('%s %j is isError naming the field', async (name, args, field) => {
    const text = await fails(name, args);
    expect(text).toMatch(field);
    expect(await mcp.client.ping()).toEqual({});
  });

  it('covers every tool', () => {
    expect(new Set(cases.map(([name]) => name))).toEqual(new Set(ALL_TOOLS.map((t) => t.name)));
  });

  it('an unknown tool is the protocol error MCP 2025-11-25 names (-32602), and the server still answers', async () => {
    const error = await mcp.call('refund_order', {}).then(
      (result) => {
        throw new Error(`expected a JSON-RPC error, got ${JSON.stringify(result)}`);
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining('Unknown tool: refund_order') });
    expect((await ok('get_store')).store.id).toBe(storeId);
  });

  it('a tools/call request without a tool name is the protocol error -32602, and the server still answers', async () => {
    const error = await mcp.client.request({ method: 'tools/call', params: { arguments: {} } } as never, CallToolResultSchema).then(
      (result) => {
        throw new Error(`expected a JSON-RPC error, got ${JSON.stringify(result)}`);
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('Invalid tools/call request: params.name: Invalid input: expected string'),
    });
    expect((await ok('get_store')).store.id).toBe(storeId);
  });

  it("invalid arguments name each field and the tool, without the SDK's protocol prefix", async () => {
    const text = await fails('create_product', { name: '', price: 1.234, colour: 'red' });
    expect(text).toMatch(/^Invalid arguments for create_product: /);
    expect(text).toContain('name: must not be empty');
    expect(text).toContain('price: must have at most two decimals');
    expect(text).toContain('unknown argument colour');
    expect(text).not.toMatch(/MCP error|-32602/);
    expect(await fails('get_product', {})).toBe('Invalid arguments for get_product: product_id: is required.');
  });
});

describe('WHATALO_CONFIRM_WRITES=off, for automation', () => {
  it('a host with form elicitation is not asked, and the write happens', async () => {
    const asked: string[] = [];
    const auto = await startMcp({
      env: sandboxEnv(sb, { WHATALO_CONFIRM_WRITES: 'off' }),
      clientOptions: { capabilities: { elicitation: { form: {} } } },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, (request) => {
          asked.push(request.params.message);
          return { action: 'decline' };
        }),
    });
    try {
      await auto.client.listTools();
      const created = await auto.call('create_category', { name: `Automation ${Date.now()}` });
      const id = (created.structuredContent as Data).category.id;
      const deleted = await auto.call('delete_category', { category_id: id });
      expect(deleted.structuredContent).toEqual({ id, deleted: true });
      expect(asked).toEqual([]);
    } finally {
      await auto.close();
    }
  });
});

describe('the write tools through serve --http (the host signed in with every scope; no elicitation over stateless HTTP)', () => {
  let server: RunningHttpServer;
  let client: Client;

  beforeAll(async () => {
    let publicUrl: URL;
    ({ server, publicUrl } = await startTestHttpServer(sb));
    const provider = new TestProvider();
    const scope = ALL_SCOPES.filter((s) => !/webhooks|analytics|write:store/.test(s)).join(' ');
    expect(await auth(provider, { serverUrl: publicUrl, scope })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: publicUrl, scope, authorizationCode: provider.code! })).toBe('AUTHORIZED');
    client = await connect(publicUrl, provider);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  async function httpOk(name: string, args: Record<string, unknown>): Promise<Data> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} over HTTP failed: ${textOf(result)}`);
    return result.structuredContent as Data;
  }

  it('every write tool runs and its change is read back', async () => {
    const product = (await httpOk('create_product', { name: 'Jarro HTTP', price: 80, sku: 'HTTP-JARRO-1' })).product;
    expect((await httpOk('update_product', { product_id: product.id, price: 85 })).product.price).toBe(85);
    expect((await httpOk('adjust_inventory', { product_id: product.id, delta: 4, reason: 'delivery' })).inventory.stock_quantity).toBe(4);
    expect((await httpOk('deactivate_product', { product_id: product.id })).product.is_active).toBe(false);
    expect(await httpOk('delete_product', { product_id: product.id })).toEqual({ id: product.id, deleted: true });
    const category = (await httpOk('create_category', { name: `HTTP ${Date.now()}` })).category;
    expect((await httpOk('update_category', { category_id: category.id, is_active: false })).category.is_active).toBe(false);
    expect(await httpOk('delete_category', { category_id: category.id })).toEqual({ id: category.id, deleted: true });
    const order = (await httpOk('list_orders', { status: 'pending', payment_status: 'pending', limit: 1 })).items[0];
    expect((await httpOk('update_order_status', { order_id: order.id, status: 'cancelled' })).order.status).toBe('cancelled');
    expect((await httpOk('update_payment_status', { order_id: order.id, payment_status: 'failed' })).order.payment_status).toBe('failed');
    const customer = (await httpOk('create_customer', { name: 'Cliente HTTP' })).customer;
    expect((await httpOk('update_customer', { customer_id: customer.id, notes: 'via HTTP' })).customer.notes).toBe('via HTTP');
    const discount = (await httpOk('create_discount', { code: 'HTTP-5', type: 'fixed_amount', value: 5 })).discount;
    expect((await httpOk('update_discount', { discount_id: discount.id, value: 6 })).discount.value).toBe(6);
    expect(await httpOk('delete_discount', { discount_id: discount.id })).toEqual({ id: discount.id, deleted: true });
  });
});
