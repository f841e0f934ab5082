/**
 * Every tool through the real stdio server (node dist/cli.js serve) against the sandbox:
 * first-use sign-in from a tool call, each happy path, each write visible in a later read,
 * paging through a whole list by cursor, and bad arguments for every tool as isError with the
 * server still answering. The SDK Client checks each structuredContent against the listed
 * outputSchema, so a shape mismatch fails here too.
 */
import { type CallToolResult, CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpSession, sandboxEnv, startMcp, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
let mcp: McpSession;
let storeId: string;

type Data = Record<string, any>;

async function ok(name: string, args: Record<string, unknown> = {}): Promise<Data> {
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
  mcp = await startMcp({ env: sandboxEnv(sb) });
  await mcp.client.listTools(); // lets the client validate structuredContent against outputSchema
});
afterAll(async () => {
  await mcp?.close();
  await sb?.close();
});

describe('first use', () => {
  it("a tool call signs in through the browser (auto-approved) and returns the tool's result", async () => {
    const data = await ok('get_store');
    expect(data.store).toMatchObject({ id: storeId, currency: 'MXN' });
    const stats = await sb.stats();
    expect(stats.grants.authorization_code).toBe(1);
    expect(stats.registrations).toBe(1);
    // Least privilege: the first grant holds read scopes only.
    const [grant] = await sb.grants();
    expect(grant!.scope.split(' ').every((s) => s.startsWith('read:'))).toBe(true);
  });
});

describe('reads', () => {
  it('pages through ALL products by cursor: every product once, count equals the API total', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let total: number | undefined;
    let pages = 0;
    do {
      const data = await ok('list_products', cursor ? { cursor } : { limit: 7 });
      total ??= data.total;
      expect(data.total).toBe(total);
      seen.push(...data.items.map((p: Data) => p.id));
      expect(data.has_more).toBe(data.next_cursor !== null);
      cursor = data.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(total).toBeGreaterThan(7);
    expect(seen).toHaveLength(total!);
    expect(new Set(seen).size).toBe(total);
    expect(pages).toBe(Math.ceil(total! / 7));
  });

  it('list_products filters (status, query) and keeps the filters bound to the cursor', async () => {
    const drafts = await ok('list_products', { status: 'draft', limit: 100 });
    expect(drafts.items.every((p: Data) => p.status === 'draft')).toBe(true);
    const first = await ok('list_products', { status: 'active', limit: 2 });
    const text = await fails('list_products', { status: 'draft', cursor: first.next_cursor });
    expect(text).toMatch(/^Invalid argument cursor: it belongs to another list/);
    expect(await fails('list_products', { cursor: 'garbage!' })).toMatch(/cursor/);
  });

  it('get_product, get_inventory, list_categories, list_customers, get_customer, list_orders, get_order', async () => {
    const product = (await ok('list_products', { limit: 1 })).items[0];
    expect((await ok('get_product', { product_id: product.id })).product).toEqual(product);
    expect((await ok('get_inventory', { product_id: product.id })).inventory).toMatchObject({ product_id: product.id, quantity: expect.any(Number) });
    const categories = await ok('list_categories', { limit: 100 });
    expect(categories.items.length).toBeGreaterThan(0);
    expect(categories.has_more).toBe(false);
    const customers = await ok('list_customers', { limit: 3 });
    expect(customers.items).toHaveLength(3);
    expect((await ok('get_customer', { customer_id: customers.items[0].id })).customer.id).toBe(customers.items[0].id);
    const byCustomer = await ok('list_orders', { customer_id: customers.items[0].id, limit: 100 });
    expect(byCustomer.items.every((o: Data) => o.customer_id === customers.items[0].id)).toBe(true);
    const orders = await ok('list_orders', { limit: 5, created_after: '2020-01-01' });
    expect(orders.items).toHaveLength(5);
    expect((await ok('get_order', { order_id: orders.items[0].id })).order.id).toBe(orders.items[0].id);
  });

  it("money reads as money: amounts in the currency's main unit, texts grouped with the currency's decimals", async () => {
    const result = await mcp.call('get_sales_summary', { from: '2020-01-01', to: '2030-01-01' });
    const data = result.structuredContent as Data;
    expect(data).toMatchObject({ currency: 'MXN', currency_decimals: 2 });
    const [summary] = result.content.map((c) => (c.type === 'text' ? c.text : ''));
    const shown = (n: number) => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} MXN`;
    expect(summary).toContain(`revenue ${shown(data.revenue)}, average ${shown(data.average_order_value)}`);
    expect(summary).toMatch(/revenue \d{1,3}(,\d{3})+\.\d{2} MXN/);
  });

  it('get_sales_summary counts exactly the paid orders that are not cancelled or returned', async () => {
    const summary = await ok('get_sales_summary', { from: '2000-01-01', top: 3 });
    expect(summary.complete).toBe(true);
    expect(summary.currency).toBe('MXN');
    expect(summary.top_products.length).toBeLessThanOrEqual(3);
    // Independent count through list_orders.
    let counted = 0;
    let revenueCents = 0;
    let cursor: string | undefined;
    do {
      const page = await ok('list_orders', { payment_status: 'paid', created_after: '2000-01-01', ...(cursor ? { cursor } : { limit: 100 }) });
      for (const o of page.items)
        if (o.status !== 'cancelled' && o.status !== 'returned') {
          counted++;
          revenueCents += Math.round(o.total * 100);
        }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(counted).toBeGreaterThan(0);
    expect(summary.order_count).toBe(counted);
    expect(summary.revenue).toBe(revenueCents / 100);
    const text = await fails('get_sales_summary', { from: '2026-10-01', to: '2026-09-01' });
    expect(text).toMatch(/^Invalid argument to: must be later than from/);
  });
});

describe('writes are visible in later reads (each asks for its write scope by step-up)', () => {
  let productId: string;

  it('create_product → get_product', async () => {
    const created = (await ok('create_product', { name: 'Taza de barro', price: 149.5, sku: 'E2E-TAZA-1', status: 'draft' })).product;
    productId = created.id;
    expect(created).toMatchObject({ name: 'Taza de barro', price: 149.5, sku: 'E2E-TAZA-1', status: 'draft' });
    expect((await ok('get_product', { product_id: productId })).product).toMatchObject({ name: 'Taza de barro', price: 149.5 });
    const [grant] = (await sb.grants()).filter((g) => !g.revoked);
    expect(grant!.scope.split(' ')).toContain('write:products');
  });

  it('update_product → get_product; null clears a field; no field at all is refused', async () => {
    await ok('update_product', { product_id: productId, price: 159, sku: null, status: 'active' });
    expect((await ok('get_product', { product_id: productId })).product).toMatchObject({ price: 159, sku: null, status: 'active' });
    expect(await fails('update_product', { product_id: productId })).toMatch(/at least one field/);
  });

  it('adjust_inventory → get_inventory; compare-and-set conflict gives the current quantity; negative stock names delta', async () => {
    const after = (await ok('adjust_inventory', { product_id: productId, delta: 12, reason: 'first delivery' })).inventory;
    expect(after).toMatchObject({ quantity: 12, previous_quantity: 0 });
    expect((await ok('get_inventory', { product_id: productId })).inventory.quantity).toBe(12);
    expect(await fails('adjust_inventory', { product_id: productId, delta: -1, reason: 'sold', expected_quantity: 5 })).toBe(
      'Stock is 12, not the expected 5; nothing was adjusted.',
    );
    expect((await ok('adjust_inventory', { product_id: productId, delta: -2, reason: 'sold', expected_quantity: 12 })).inventory.quantity).toBe(10);
    expect(await fails('adjust_inventory', { product_id: productId, delta: -11, reason: 'sold' })).toMatch(
      /^Whatalo refused the values: delta would leave -1 in stock/,
    );
    expect((await ok('get_inventory', { product_id: productId })).inventory.quantity).toBe(10);
  });

  it('delete_product → get_product is not found, naming product and store', async () => {
    expect(await ok('delete_product', { product_id: productId })).toEqual({ id: productId, deleted: true });
    expect(await fails('get_product', { product_id: productId })).toBe(`product '${productId}' not found in store ${storeId}`);
  });

  it('create_category → list_categories; update_category → list_categories; a twin name is refused', async () => {
    const category = (await ok('create_category', { name: 'Barro E2E', description: 'hecho a mano' })).category;
    const listed = async () => (await ok('list_categories', { limit: 100 })).items.find((c: Data) => c.id === category.id);
    expect(await listed()).toMatchObject({ name: 'Barro E2E', description: 'hecho a mano', product_count: 0 });
    await ok('update_category', { category_id: category.id, name: 'Barro fino E2E', description: null });
    expect(await listed()).toMatchObject({ name: 'Barro fino E2E', description: null });
    expect(await fails('create_category', { name: 'barro fino e2e' })).toMatch(
      /^Whatalo refused the values: name a category named 'Barro fino E2E' already exists/,
    );
  });

  it('update_order_status → get_order; a forbidden move lists the allowed ones', async () => {
    const pending = (await ok('list_orders', { status: 'pending', limit: 1 })).items[0];
    expect(pending).toBeDefined();
    expect((await ok('update_order_status', { order_id: pending.id, status: 'confirmed' })).order.status).toBe('confirmed');
    expect((await ok('get_order', { order_id: pending.id })).order.status).toBe('confirmed');
    expect(await fails('update_order_status', { order_id: pending.id, status: 'returned' })).toMatch(
      /cannot change from 'confirmed' to 'returned'; allowed next: in_progress, cancelled/,
    );
  });
});

describe('bad arguments never crash the server', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['get_store', { extra: 1 }, /extra/],
    ['list_products', { limit: 0 }, /limit/],
    ['list_products', { limit: 101 }, /limit/],
    ['list_products', { status: 'sold' }, /status/],
    ['get_product', {}, /product_id/],
    ['get_product', { product_id: '../store' }, /product_id/],
    ['create_product', { name: 'x' }, /price/],
    ['create_product', { name: 'x', price: 1.234 }, /price/],
    ['create_product', { name: 'x', price: -1 }, /price/],
    ['update_product', { name: 'x' }, /product_id/],
    ['delete_product', { product_id: 42 }, /product_id/],
    ['list_categories', { cursor: '' }, /cursor/],
    ['create_category', { name: '' }, /name/],
    ['update_category', { category_id: 'cat 1' }, /category_id/],
    ['get_inventory', { product_id: null }, /product_id/],
    ['adjust_inventory', { product_id: 'prd_x', delta: 0, reason: 'x' }, /delta/],
    ['adjust_inventory', { product_id: 'prd_x', delta: 1.5, reason: 'x' }, /delta/],
    ['adjust_inventory', { product_id: 'prd_x', delta: 1, reason: '  ' }, /reason/],
    ['list_customers', { query: '' }, /query/],
    ['get_customer', { customer_id: '' }, /customer_id/],
    ['list_orders', { created_after: 'yesterday' }, /created_after/],
    ['list_orders', { payment_status: 'free' }, /payment_status/],
    ['get_order', { order_id: ['ord_1'] }, /order_id/],
    ['get_sales_summary', {}, /from/],
    ['get_sales_summary', { from: '2026-02-31' }, /from/],
    ['update_order_status', { order_id: 'ord_1', status: 'shipped' }, /status/],
  ];

  it.each(cases)('%s %j is isError naming the field', async (name, args, field) => {
    const text = await fails(name, args);
    expect(text).toMatch(field);
    expect(await mcp.client.ping()).toEqual({});
  });

  it('covers every tool', () => {
    expect(new Set(cases.map(([name]) => name)).size).toBe(17);
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
