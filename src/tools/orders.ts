/** Orders: list, read, change status, and a sales summary aggregated from the order list. */
import { z } from 'zod';
import { MAX_PER_PAGE, ORDER_STATUSES, PAYMENT_STATUSES, type Order } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { cents, dateArg, defineTool, fromCents, idArg, plural } from './define.js';
import { currencyDecimals, formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';

// Output records declare the fields a model keys on; the others (named in the get tool's
// description) pass through a loose object unlisted: each typed nullable field cost ~30 bytes
// of every tools/list, on every tool that returns the record: a host pays for each byte in its context window.
export const orderItemSchema = z.looseObject({ name: z.string(), quantity: z.number(), total: z.number() });

export const orderSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  payment_status: z.string(),
  items: z.array(orderItemSchema),
  total: z.number(),
  created_at: z.string(),
});

const orderId = idArg('order', 'ord_…', 'list_orders');

export const listOrders = defineTool({
  name: 'list_orders',
  title: 'List orders',
  description:
    "Lists the store's orders, newest first, one page at a time, with items, totals, status and payment status. " +
    'Filters: status, payment_status, customer_id, and a creation range created_after (inclusive) to created_before (exclusive), ' +
    'each an ISO 8601 date or date-time with zone. ' +
    'get_sales_summary gives revenue over a period.',
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({
    status: z.enum(ORDER_STATUSES).optional(),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    customer_id: idArg('customer', 'cus_…', 'list_customers').optional(),
    created_after: dateArg().optional(),
    created_before: dateArg().optional(),
    ...pageArgs,
  }),
  outputSchema: listOutput(orderSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const { cursor: _cursor, limit: _limit, ...filters } = args;
    const position = startPosition('list_orders', args, filters);
    const page = await api.listOrders({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary('orders', data, position), data };
  },
});

export const getOrder = defineTool({
  name: 'get_order',
  title: 'Get order',
  description: 'Returns one order by id: number, customer, status, payment status, items with quantities and prices, subtotal, shipping, total and timestamps.',
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({ order_id: orderId }),
  outputSchema: z.object({ order: orderSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const order = await api.getOrder(args.order_id);
    return {
      text:
        `Order #${order.number} (${order.id}) for ${order.customer_name}: ${formatMoney(order.total, order.currency)}, ${order.status}, payment ` +
        `${order.payment_status}.`,
      data: { order },
    };
  },
});

export const updateOrderStatus = defineTool({
  name: 'update_order_status',
  title: 'Update order status',
  description:
    'Moves an order to its next status. Allowed: pending → confirmed → in_progress → completed → returned, and ' +
    'cancelled from pending, confirmed or in_progress; any other move is refused naming the allowed ones. ' +
    'Cancelling or returning a paid order marks its payment refunded; no money moves through this tool.',
  toolset: 'orders',
  scope: 'write:orders',
  inputSchema: z.strictObject({
    order_id: orderId,
    status: z.enum(ORDER_STATUSES),
  }),
  outputSchema: z.object({ order: orderSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const order = await api.updateOrderStatus(args.order_id, args.status);
    return { text: `Order #${order.number} (${order.id}) is now ${order.status}; payment ${order.payment_status}.`, data: { order } };
  },
});

// ---- sales summary --------------------------------------------------------------------

/** Pages of 100 read at most: 5000 orders, a few seconds; past that the answer says so. */
export const MAX_SUMMARY_PAGES = 50;
const EXCLUDED_STATUSES: ReadonlySet<string> = new Set(['cancelled', 'returned']);

export const salesSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string().nullable(),
  currency_decimals: z.number().int(),
  revenue: z.number(),
  order_count: z.number().int(),
  average_order_value: z.number().nullable(),
  top_products: z.array(z.looseObject({ product_id: z.string().nullable(), name: z.string(), quantity: z.number(), revenue: z.number() })),
  complete: z.boolean(),
  counted_since: z.string().nullable(),
});

export type SalesSummary = z.output<typeof salesSummarySchema>;

/**
 * Adds up paid orders that are not cancelled or returned. Top products rank by item revenue,
 * then quantity. A plain function: the rules of what counts are tested without MCP.
 */
export function summarizeSales(orders: readonly Order[], top: number): Omit<SalesSummary, 'from' | 'to' | 'currency_decimals' | 'complete' | 'counted_since'> {
  let revenue = 0;
  let count = 0;
  let currency: string | null = null;
  const products = new Map<string, { product_id: string | null; name: string; quantity: number; revenue: number }>();
  for (const order of orders) {
    if (order.payment_status !== 'paid' || EXCLUDED_STATUSES.has(order.status)) continue;
    count++;
    revenue += cents(order.total);
    currency ??= order.currency ?? null;
    for (const item of order.items) {
      const key = item.product_id ?? `name:${item.name}`;
      const entry = products.get(key) ?? { product_id: item.product_id ?? null, name: item.name, quantity: 0, revenue: 0 };
      entry.quantity += item.quantity;
      entry.revenue += cents(item.total);
      products.set(key, entry);
    }
  }
  const top_products = [...products.values()]
    .sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity || a.name.localeCompare(b.name))
    .slice(0, top)
    .map((p) => ({ ...p, revenue: fromCents(p.revenue) }));
  return {
    currency,
    revenue: fromCents(revenue),
    order_count: count,
    average_order_value: count === 0 ? null : fromCents(Math.round(revenue / count)),
    top_products,
  };
}

export const getSalesSummary = defineTool({
  name: 'get_sales_summary',
  title: 'Sales summary',
  description:
    'Revenue, order count, average order value and best-selling products for orders created in a date range ' +
    '(from inclusive, to exclusive; to defaults to now). Counts paid orders that are not cancelled or returned; ' +
    'revenue includes shipping. Reads up to 5000 orders; past that, complete is false and the totals cover the ' +
    'newest 5000 (since counted_since).',
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({
    from: dateArg('ISO 8601 date or date-time with zone, e.g. 2026-09-01.'),
    to: dateArg('E.g. 2026-10-01 for all of September.').optional(),
    top: z.number().int().min(1).max(20).default(5).describe('Best sellers to list.'),
  }),
  outputSchema: salesSummarySchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  fieldAliases: { created_after: 'from', created_before: 'to' },
  async handler(args, { api, signal }) {
    const to = args.to ?? new Date().toISOString();
    if (Date.parse(to) <= Date.parse(args.from)) {
      throw new WhataloError('VALIDATION', `Invalid argument to: must be later than from (${args.from}).`, { details: { field: 'to' } });
    }
    const orders: Order[] = [];
    let complete = false;
    for (let page = 1; page <= MAX_SUMMARY_PAGES; page++) {
      signal.throwIfAborted();
      // payment_status=paid on the server skips what would never count, so fewer pages.
      const answer = await api.listOrders({ payment_status: 'paid', created_after: args.from, created_before: to, page, per_page: MAX_PER_PAGE });
      orders.push(...answer.data);
      if (answer.data.length === 0 || page >= answer.pagination.total_pages) {
        complete = true;
        break;
      }
    }
    const summary = summarizeSales(orders, args.top);
    const counted_since = complete ? null : (orders.at(-1)?.created_at ?? null);
    const data: SalesSummary = { from: args.from, to, ...summary, currency_decimals: currencyDecimals(summary.currency), complete, counted_since };
    const money = (n: number | null) => formatMoney(n, summary.currency);
    const head =
      `${plural(summary.order_count, 'paid order')} from ${args.from} to ${to}: revenue ${money(summary.revenue)}, average ` +
      `${money(summary.average_order_value)}.`;
    const best = summary.top_products[0] ? ` Best seller: ${summary.top_products[0].name}.` : '';
    const partial = complete
      ? ''
      : ` Incomplete: the range holds more than ${MAX_SUMMARY_PAGES * MAX_PER_PAGE} paid orders; only those since ${counted_since} were counted. Narrow ` +
        `the range for exact totals.`;
    return { text: head + best + partial, data };
  },
});
