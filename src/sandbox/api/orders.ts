/**
 * API v1: orders (CONTRACT §4 orders row). Orders cannot be created through the API; a PATCH
 * changes `status` (along ORDER_TRANSITIONS, 422 otherwise) and/or `payment_status`.
 */
import { ORDER_STATUSES, ORDER_TRANSITIONS, PAYMENT_STATUSES, orderView, type OrderRecord, type PaymentStatus } from '../data.js';
import { notFound } from './errors.js';
import {
  countAnswer,
  dateParam,
  dateRange,
  enumListParam,
  enumParam,
  matches,
  numberRange,
  inRange,
  paginate,
  readQuery,
  sortBy,
  stringParam,
  timeInRange,
  type Query,
} from './list.js';
import { param, type RouteContext } from './route.js';
import { check, done, oneOf, reject, requireSome } from './validate.js';

function findOrder(ctx: RouteContext): OrderRecord {
  const id = param(ctx, 'id');
  const order = ctx.store.orders.get(id);
  if (!order) throw notFound('order', id);
  return order;
}

/**
 * Payment status moves (our choice; Whatalo documents the values, not the moves): a pending
 * or failed payment can become paid or failed/pending again; only a paid order can be
 * refunded; a refund is final.
 */
const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['paid', 'failed'],
  failed: ['pending', 'paid'],
  paid: ['refunded'],
  refunded: [],
};

function refusal(kind: string, from: string, to: string, allowed: readonly string[]): string {
  const options = allowed.length === 0 ? `'${from}' is final` : `allowed next: ${allowed.join(', ')}`;
  return `cannot change ${kind} from '${from}' to '${to}'; ${options}`;
}

export async function updateOrder(ctx: RouteContext) {
  const order = findOrder(ctx);
  const fields = ['status', 'payment_status'] as const;
  const c = check(await ctx.json(), fields);
  requireSome(c, fields);
  const status = oneOf(c, 'status', ORDER_STATUSES);
  const payment = oneOf(c, 'payment_status', PAYMENT_STATUSES);
  done(c);
  if (status != null && !ORDER_TRANSITIONS[order.status].includes(status))
    reject(c, 'status', refusal('status', order.status, status, ORDER_TRANSITIONS[order.status]));
  if (payment != null && !PAYMENT_TRANSITIONS[order.payment_status].includes(payment)) {
    reject(c, 'payment_status', refusal('payment_status', order.payment_status, payment, PAYMENT_TRANSITIONS[order.payment_status]));
  }
  done(c);
  const now = ctx.nowIso();
  if (status != null) {
    order.status = status;
    if (status === 'completed') order.completed_at = now;
  }
  if (payment != null) order.payment_status = payment;
  order.updated_at = now;
  return { body: { data: orderView(order) } };
}

/** The filters the list and the count share. */
function orderFilter(q: Query, withAll: boolean): (o: OrderRecord) => boolean {
  const statuses = enumListParam(q, 'status', ORDER_STATUSES);
  if (!withAll) return (o) => statuses === undefined || statuses.includes(o.status);
  const payment = enumParam(q, 'payment_status', [...PAYMENT_STATUSES, 'all'] as const);
  const search = stringParam(q, 'search');
  const customer = stringParam(q, 'customer_id');
  const from = dateParam(q, 'date_from', 'start');
  const to = dateParam(q, 'date_to', 'end');
  if (from !== undefined && to !== undefined && to < from) q.errors.push({ field: 'date_to', message: 'must not be before date_from' });
  const total = numberRange(q, 'total');
  const updated = dateRange(q, 'updated_at');
  const place = (['city', 'province', 'country'] as const).map((name) => [name, stringParam(q, name)] as const);
  const countryCode = stringParam(q, 'country_code')?.toUpperCase();
  return (o) =>
    (statuses === undefined || statuses.includes(o.status)) &&
    (payment === undefined || payment === 'all' || o.payment_status === payment) &&
    // Searches the order number, the customer's name, email and phone.
    matches(search, o.order_number, o.customer_name, o.customer_email, o.customer_phone) &&
    (customer === undefined || o.customer_id === customer) &&
    timeInRange(o.created_at, { gte: from, lte: to }) &&
    inRange(o.total, total) &&
    timeInRange(o.updated_at, updated) &&
    place.every(([name, value]) => value === undefined || (o.shipping_address !== null && matches(value, o.shipping_address[name]))) &&
    (countryCode === undefined || o.country_code === countryCode);
}

const LIST_FILTERS = [
  'sort',
  'order',
  'status',
  'payment_status',
  'search',
  'customer_id',
  'date_from',
  'date_to',
  'total[gte]',
  'total[lte]',
  'updated_at[gte]',
  'updated_at[lte]',
  'city',
  'province',
  'country',
  'country_code',
];

export function listOrders(ctx: RouteContext) {
  const q = readQuery(ctx.url, LIST_FILTERS, ctx.store.store.timezone);
  const filter = orderFilter(q, true);
  const found = [...ctx.store.orders.values()].filter(filter);
  const sorted = sortBy(
    q,
    found,
    {
      order_number: (o) => o.order_number,
      total: (o) => o.total,
      created_at: (o) => o.created_at,
      updated_at: (o) => o.updated_at,
      customer_name: (o) => o.customer_name,
    },
    'created_at',
  );
  const page = paginate(q, sorted);
  return { body: { ...page, data: page.data.map(orderView) } };
}

export function countOrders(ctx: RouteContext) {
  const q = readQuery(ctx.url, ['status'], ctx.store.store.timezone, false);
  const filter = orderFilter(q, false);
  return countAnswer(q, [...ctx.store.orders.values()].filter(filter).length);
}

export const getOrder = (ctx: RouteContext) => ({ body: { data: orderView(findOrder(ctx)) } });

/** The order's items, as a list in V2's shape (paged like any list). */
export function listOrderItems(ctx: RouteContext) {
  const order = findOrder(ctx);
  return { body: paginate(readQuery(ctx.url, [], ctx.store.store.timezone), orderView(order).items) };
}
