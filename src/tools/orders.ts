/** Orders: list, count, read (with items), change status or payment status, and a sales summary. */
import { z } from 'zod';
import type { StoreApi } from '../api/client.js';
import { MAX_PER_PAGE, ORDER_SORTS, ORDER_STATUSES, PAYMENT_STATUSES, type Order, type OrderStatus, type Store } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { cents, commaList, dateArg, defined, defineTool, fromCents, idArg, moneyArg, sortArgs } from './define.js';
import { currencyDecimals, formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';
import { dayOf, instantOf, knownZone } from './time.js';
import { orderStatusText, paymentStatusText, toolTexts } from './texts.js';

// Output records declare the fields a model keys on; the others (named in get_order's
// description) pass through a loose object unlisted: a host pays for each listed byte in its context window.
export const orderSchema = z.looseObject({
  id: z.string(),
  order_number: z.number(),
  status: z.string(),
  payment_status: z.string(),
  total: z.number(),
  created_at: z.string(),
});

const orderId = idArg('order', 'list_orders');
const isStatus = (s: string) => (ORDER_STATUSES as readonly string[]).includes(s);

/** #1042 for Juan García (5,200.00 COP) — an order as the merchant knows it. */
function orderLabel(order: Order): string {
  return toolTexts().t('tool.order.label', { number: order.order_number, customer: order.customer_name, total: formatMoney(order.total, order.currency) });
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A date argument as API v1's date-time: a calendar date starts at midnight in the store's zone. */
async function apiInstant(value: string | undefined, store: () => Promise<Store | undefined>): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const zone = value.length === 10 ? knownZone((await store())?.timezone) : 'UTC';
  return new Date(instantOf(value, zone)).toISOString();
}

export const listOrders = defineTool({
  name: 'list_orders',
  title: 'List orders',
  description:
    "Lists the store's orders, newest first, one page at a time, with totals, status and payment status. " +
    'Dates are ISO 8601; a bare date starts at midnight in the store time zone. get_sales_summary adds up a period.',
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({
    status: commaList(isStatus, ORDER_STATUSES.join(', '), `One of ${ORDER_STATUSES.join(', ')}, or several comma-separated.`).optional(),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    customer_id: idArg('customer', 'list_customers').optional(),
    created_after: dateArg().optional(),
    created_before: dateArg().optional(),
    min_total: moneyArg().optional(),
    max_total: moneyArg().optional(),
    query: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    ...sortArgs(ORDER_SORTS),
    ...pageArgs,
  }),
  outputSchema: listOutput(orderSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  fieldAliases: { date_from: 'created_after', date_to: 'created_before', 'total[gte]': 'min_total', 'total[lte]': 'max_total', search: 'query' },
  async handler(args, { api, store }) {
    const filters = defined({
      status: args.status,
      payment_status: args.payment_status,
      customer_id: args.customer_id,
      date_from: await apiInstant(args.created_after, store),
      date_to: await apiInstant(args.created_before, store),
      'total[gte]': args.min_total,
      'total[lte]': args.max_total,
      search: args.query,
      sort: args.sort,
      order: args.order,
    });
    const position = startPosition('list_orders', args, filters);
    const page = await api.listOrders({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary(toolTexts().t('tool.noun.orders'), data, position), data };
  },
});

export const countOrders = defineTool({
  name: 'count_orders',
  title: 'Count orders',
  description: "Counts the store's orders: all of them, or those in one or several statuses (e.g. pending,confirmed).",
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({
    status: commaList(isStatus, ORDER_STATUSES.join(', '), 'One status or several comma-separated, as list_orders.').optional(),
  }),
  outputSchema: z.object({ count: z.number().int() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const count = await api.countOrders(defined({ status: args.status }));
    return { text: toolTexts().t('tool.count.orders', { count, statuses: args.status ? args.status.split(',').map(orderStatusText) : [] }), data: { count } };
  },
});

/** The order with its items: from the order itself, or from /orders/{id}/items when it has none. */
async function withItems(api: StoreApi, order: Order): Promise<Order> {
  return Array.isArray(order.items) ? order : { ...order, items: await api.listOrderItems(order.id) };
}

export const getOrder = defineTool({
  name: 'get_order',
  title: 'Get order',
  description:
    'Returns one order by id with its items: order_number, customer, status, payment_status, subtotal, discount_amount, shipping_cost, ' +
    'total (in its currency), shipping_address and notes.',
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({ order_id: orderId }),
  outputSchema: z.object({ order: orderSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const order = await withItems(api, await api.getOrder(args.order_id));
    const items = order.items ?? [];
    return {
      text: toolTexts().t('tool.order', {
        label: capital(orderLabel(order)),
        id: order.id,
        status: orderStatusText(order.status),
        payment: paymentStatusText(order.payment_status),
        items: items.length,
      }),
      data: { order },
    };
  },
});

/** Moves that cannot be taken back; the merchant is asked first. */
const FINAL_MOVES: ReadonlySet<OrderStatus> = new Set(['cancelled', 'returned']);

export const updateOrderStatus = defineTool({
  name: 'update_order_status',
  title: 'Update order status',
  description:
    'Moves an order on: pending → confirmed → in_progress → completed → returned, or cancelled before completed; ' +
    'Whatalo refuses other moves. The merchant may be asked before cancelled or returned. No money moves.',
  toolset: 'orders',
  scope: 'write:orders',
  inputSchema: z.strictObject({ order_id: orderId, status: z.enum(ORDER_STATUSES) }),
  outputSchema: z.object({ order: orderSchema, changed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, confirm }) {
    let before: Order | undefined;
    if (FINAL_MOVES.has(args.status)) {
      const final = args.status as 'cancelled' | 'returned';
      const yes = await confirm(async () => {
        before = await api.getOrder(args.order_id);
        return toolTexts().t('tool.confirm.orderFinal', { status: final, label: orderLabel(before) });
      });
      if (!yes) {
        const order = before ?? (await api.getOrder(args.order_id));
        return {
          text: toolTexts().t('tool.notConfirmed.order', { label: orderLabel(order), status: orderStatusText(order.status) }),
          data: { order, changed: false },
        };
      }
    }
    const order = await api.updateOrder(args.order_id, { status: args.status });
    return {
      text: toolTexts().t('tool.order.moved', {
        label: capital(orderLabel(order)),
        status: orderStatusText(order.status),
        payment: paymentStatusText(order.payment_status),
      }),
      data: { order, changed: true },
    };
  },
});

export const updatePaymentStatus = defineTool({
  name: 'update_payment_status',
  title: 'Update payment status',
  description: "Records an order's payment status (pending, paid, refunded, failed), e.g. paid once a transfer arrived. No money moves.",
  toolset: 'orders',
  scope: 'write:orders',
  inputSchema: z.strictObject({ order_id: orderId, payment_status: z.enum(PAYMENT_STATUSES) }),
  outputSchema: z.object({ order: orderSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const order = await api.updateOrder(args.order_id, { payment_status: args.payment_status });
    return { text: toolTexts().t('tool.order.paymentMoved', { label: orderLabel(order), payment: paymentStatusText(order.payment_status) }), data: { order } };
  },
});

// ---- sales summary --------------------------------------------------------------------

/** Orders one summary reads at most (20 pages of 100); a larger range is refused, never summed in part. */
export const MAX_SUMMARY_ORDERS = 2000;
/** Orders whose items are read at once when the list gave none. */
const ITEM_READS_AT_ONCE = 8;
const EXCLUDED_STATUSES: ReadonlySet<string> = new Set(['cancelled', 'returned']);

export const salesSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  currency: z.string().nullable(),
  currency_decimals: z.number().int(),
  revenue: z.number(),
  order_count: z.number().int(),
  average_order_value: z.number().nullable(),
  top_products: z.array(z.looseObject({ name: z.string(), quantity: z.number(), revenue: z.number() })),
  by_day: z.array(z.looseObject({ date: z.string(), orders: z.number(), revenue: z.number() })),
});

export type SalesSummary = z.output<typeof salesSummarySchema>;
type Figures = Pick<SalesSummary, 'revenue' | 'order_count' | 'average_order_value' | 'top_products' | 'by_day'> & { currency: string | null };

/**
 * Adds up paid orders that are not cancelled or returned; revenue is each order's total
 * (shipping included), days are the store's. Top products rank by item revenue, then
 * quantity. A plain function: what counts is tested without MCP.
 */
export function summarizeSales(orders: readonly Order[], top: number, zone = 'UTC'): Figures {
  let revenue = 0;
  let count = 0;
  let currency: string | null = null;
  const products = new Map<string, { product_id: string | null; name: string; quantity: number; revenue: number }>();
  const days = new Map<string, { date: string; orders: number; revenue: number }>();
  for (const order of orders) {
    if (order.payment_status !== 'paid' || EXCLUDED_STATUSES.has(order.status)) continue;
    count++;
    revenue += cents(order.total);
    currency ??= order.currency ?? null;
    const date = dayOf(Date.parse(order.created_at), zone);
    const day = days.get(date) ?? { date, orders: 0, revenue: 0 };
    day.orders++;
    day.revenue += cents(order.total);
    days.set(date, day);
    for (const item of order.items ?? []) {
      const key = item.product_id ?? `name:${item.product_name}`;
      const entry = products.get(key) ?? { product_id: item.product_id ?? null, name: item.product_name, quantity: 0, revenue: 0 };
      entry.quantity += item.quantity;
      entry.revenue += cents(item.total_price);
      products.set(key, entry);
    }
  }
  const top_products = [...products.values()]
    .sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity || a.name.localeCompare(b.name))
    .slice(0, top)
    .map((p) => ({ ...p, revenue: fromCents(p.revenue) }));
  const by_day = [...days.values()].sort((a, b) => a.date.localeCompare(b.date)).map((d) => ({ ...d, revenue: fromCents(d.revenue) }));
  return {
    currency,
    revenue: fromCents(revenue),
    order_count: count,
    average_order_value: count === 0 ? null : fromCents(Math.round(revenue / count)),
    top_products,
    by_day,
  };
}

/** Every paid order created in [from, to), each with its items; refused past MAX_SUMMARY_ORDERS. */
async function paidOrders(api: StoreApi, from: number, to: number, signal: AbortSignal, range: string): Promise<Order[]> {
  const orders: Order[] = [];
  const query = { payment_status: 'paid' as const, date_from: new Date(from).toISOString(), date_to: new Date(to).toISOString(), per_page: MAX_PER_PAGE };
  const maxPages = Math.ceil(MAX_SUMMARY_ORDERS / MAX_PER_PAGE);
  for (let page = 1; ; page++) {
    signal.throwIfAborted();
    const answer = await api.listOrders({ ...query, page });
    if (answer.pagination.total > MAX_SUMMARY_ORDERS || page > maxPages) {
      throw new WhataloError(
        'VALIDATION',
        `The range ${range} holds ${answer.pagination.total} paid orders, more than the ${MAX_SUMMARY_ORDERS} one summary reads, so no partial figures ` +
          'are given. Ask for a shorter range (e.g. one month at a time) and add them up.',
        { details: { field: 'from' } },
      );
    }
    orders.push(...answer.data);
    if (answer.data.length === 0 || page >= answer.pagination.total_pages) break;
  }
  // date_to's inclusiveness is not documented: the range is applied here too, exactly.
  const inRange = orders.filter((o) => {
    const at = Date.parse(o.created_at);
    return at >= from && at < to;
  });
  const missing = inRange.filter((o) => !Array.isArray(o.items) && o.payment_status === 'paid' && !EXCLUDED_STATUSES.has(o.status));
  for (let i = 0; i < missing.length; i += ITEM_READS_AT_ONCE) {
    signal.throwIfAborted();
    await Promise.all(missing.slice(i, i + ITEM_READS_AT_ONCE).map(async (o) => (o.items = await api.listOrderItems(o.id))));
  }
  return inRange;
}

export const getSalesSummary = defineTool({
  name: 'get_sales_summary',
  title: 'Sales summary',
  description:
    'Revenue (shipping included), paid order count, average order value, best sellers and revenue by day for orders created in a range ' +
    `(from inclusive, to exclusive, default now), in the store currency and time zone. Counts paid orders not cancelled or returned. ` +
    `Exact: reads every order, up to ${MAX_SUMMARY_ORDERS}; a larger range is refused.`,
  toolset: 'orders',
  scope: 'read:orders',
  inputSchema: z.strictObject({
    from: dateArg('ISO 8601, e.g. 2026-09-01 (midnight, store time).'),
    to: dateArg('E.g. 2026-10-01 for all of September.').optional(),
    top: z.number().int().min(1).max(20).default(5).describe('Best sellers to list.'),
  }),
  outputSchema: salesSummarySchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  fieldAliases: { date_from: 'from', date_to: 'to' },
  async handler(args, { api, signal, store }) {
    const shop = await store();
    const zone = knownZone(shop?.timezone);
    const from = instantOf(args.from, zone);
    const to = args.to === undefined ? Date.now() : instantOf(args.to, zone);
    const toText = args.to ?? new Date(to).toISOString();
    if (to <= from) {
      throw new WhataloError('VALIDATION', `Invalid argument to: must be later than from (${args.from}).`, { details: { field: 'to' } });
    }
    const range = `from ${args.from} to ${toText}`;
    const figures = summarizeSales(await paidOrders(api, from, to, signal, range), args.top, zone);
    const currency = shop?.currency ?? figures.currency;
    const data: SalesSummary = { from: args.from, to: toText, timezone: zone, ...figures, currency, currency_decimals: currencyDecimals(currency) };
    const money = (n: number | null) => formatMoney(n, currency);
    const best = figures.top_products[0]?.name;
    return {
      text: toolTexts().t('tool.sales', {
        orders: figures.order_count,
        from: args.from,
        to: toText,
        zone,
        revenue: money(figures.revenue),
        average: money(figures.average_order_value),
        ...(best ? { best } : {}),
      }),
      data,
    };
  },
});
