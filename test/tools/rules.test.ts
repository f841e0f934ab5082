/**
 * Rules every tool must keep, checked over the whole list (as github-mcp-server does): a host
 * decides what to confirm, what read-only mode keeps and which scopes to ask for from these.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWhataloError } from '../../src/errors.js';
import { isReadScope, isScope } from '../../src/scopes.js';
import { TOOLSETS, initialScopes, requiredScopes, selectTools } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { listTools } from './listing.js';

// Issue 30's table: names fixed so hosts, docs and tests can rely on them.
const EXPECTED = [
  'get_store',
  'list_products',
  'get_product',
  'count_products',
  'create_product',
  'update_product',
  'deactivate_product',
  'delete_product',
  'get_inventory',
  'adjust_inventory',
  'list_categories',
  'get_category',
  'create_category',
  'update_category',
  'delete_category',
  'list_orders',
  'get_order',
  'count_orders',
  'update_order_status',
  'update_payment_status',
  'get_sales_summary',
  'list_customers',
  'get_customer',
  'count_customers',
  'create_customer',
  'update_customer',
  'list_discounts',
  'get_discount',
  'create_discount',
  'update_discount',
  'delete_discount',
  'validate_discount',
];

let listed: Tool[];
beforeAll(async () => {
  listed = await listTools(ALL_TOOLS);
});

describe('the tool list', () => {
  it("has exactly the issue's tools, each once, with snake_case names, and none that moves money", () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect([...names].sort()).toEqual([...EXPECTED].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    // update_payment_status records what happened to a payment; nothing moves money.
    expect(names.filter((n) => /refund|charge|payout|pay(?!ment_status)/.test(n))).toEqual([]);
    expect(listed.map((t) => t.name)).toEqual(names);
  });

  it.each(ALL_TOOLS.map((t) => [t.name, t] as const))('%s: toolset, a known scope, readOnlyHint ⇔ read scope, words within bounds', (_name, tool) => {
    expect(TOOLSETS).toContain(tool.toolset);
    expect(isScope(tool.scope)).toBe(true);
    expect(tool.annotations.readOnlyHint).toBe(isReadScope(tool.scope));
    // The scope's resource names the toolset: a products tool never needs read:orders.
    // Categories are the one exception: Whatalo has no category scope (CONTRACT AC2).
    expect(tool.scope.split(':')[1]).toBe(tool.toolset === 'categories' ? 'products' : tool.toolset);
    expect(tool.title.length).toBeGreaterThan(3);
    expect(tool.description.length).toBeGreaterThanOrEqual(80);
    expect(tool.description.length).toBeLessThanOrEqual(600);
    // Facts for a model, not orders to it.
    expect(tool.description).not.toMatch(/\b(you must|always call|never call|ignore previous|IMPORTANT)\b/i);
  });

  it.each(ALL_TOOLS.map((t) => [t.name] as const))('%s as listed: all four annotations explicit, object schemas without top-level anyOf/oneOf', (name) => {
    const tool = listed.find((t) => t.name === name)!;
    const a = tool.annotations!;
    for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) expect(typeof a[hint]).toBe('boolean');
    expect(tool.inputSchema.type).toBe('object');
    expect(tool.inputSchema).not.toHaveProperty('anyOf');
    expect(tool.inputSchema).not.toHaveProperty('oneOf');
    expect(tool.inputSchema).not.toHaveProperty('allOf');
    expect(tool.outputSchema?.type).toBe('object');
    // Read tools never destroy; destructive ones are never read-only.
    if (a.readOnlyHint) expect(a.destructiveHint).toBe(false);
  });

  it('list tools page with a bounded limit (1–100, default 20) and an opaque cursor, and answer {items, next_cursor, has_more}', () => {
    const lists = listed.filter((t) => t.name.startsWith('list_'));
    expect(lists.map((t) => t.name).sort()).toEqual(['list_categories', 'list_customers', 'list_discounts', 'list_orders', 'list_products']);
    for (const tool of lists) {
      const props = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
      expect(props.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
      expect(props.cursor).toMatchObject({ type: 'string' });
      expect(tool.outputSchema!.required).toEqual(expect.arrayContaining(['items', 'next_cursor', 'has_more']));
    }
  });
});

describe('selection and scopes derive from the records', () => {
  it('--read-only keeps only readOnlyHint tools and asks for read scopes only', () => {
    const tools = selectTools(ALL_TOOLS, { readOnly: true });
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => t.annotations.readOnlyHint)).toBe(true);
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name));
    expect(requiredScopes(tools).every(isReadScope)).toBe(true);
  });

  it('--toolsets keeps those groups; an unknown one is a config error naming the valid ones', () => {
    const tools = selectTools(ALL_TOOLS, { toolsets: ['inventory', 'store'] });
    expect(tools.map((t) => t.name)).toEqual(['get_store', 'get_inventory', 'adjust_inventory']);
    expect(selectTools(ALL_TOOLS, { toolsets: ['discounts'], readOnly: true }).map((t) => t.name)).toEqual([
      'list_discounts',
      'get_discount',
      'validate_discount',
    ]);
    let error: unknown;
    try {
      selectTools(ALL_TOOLS, { toolsets: ['products', 'payments'] });
    } catch (e) {
      error = e;
    }
    expect(isWhataloError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      'unknown toolset "payments"; valid toolsets are store, products, categories, inventory, customers, orders, discounts',
    );
  });

  it('sign-in asks for the read scopes of the enabled tools (least privilege); writes come by step-up', () => {
    expect(initialScopes(ALL_TOOLS)).toEqual(['read:products', 'read:inventory', 'read:discounts', 'read:orders', 'read:customers', 'read:store']);
    // No scope outside Whatalo's fifteen (no category scope), and each resource's write.
    expect(requiredScopes(ALL_TOOLS)).toEqual([
      'read:products',
      'write:products',
      'read:inventory',
      'write:inventory',
      'read:discounts',
      'write:discounts',
      'read:orders',
      'write:orders',
      'read:customers',
      'write:customers',
      'read:store',
    ]);
    expect(initialScopes(selectTools(ALL_TOOLS, { toolsets: ['orders'] }))).toEqual(['read:orders']);
    expect(requiredScopes(selectTools(ALL_TOOLS, { toolsets: ['orders'] }))).toEqual(['read:orders', 'write:orders']);
  });
});
