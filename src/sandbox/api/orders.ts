/**
 * API v1: orders. Status changes follow the state machine of docs/design.md; anything else
 * is a 422 naming the states allowed next.
 */
import { ORDER_STATUSES, ORDER_TRANSITIONS, PAYMENT_STATUSES, type Order, type OrderStatus, type PaymentStatus } from '../data.js';
import { notFound } from './errors.js';
import { dateParam, enumParam, newestFirst, paginate, readQuery, stringParam } from './list.js';
import { param, type RouteContext } from './route.js';
import { check, done, oneOf, reject } from './validate.js';

function findOrder(ctx: RouteContext): Order {
  const id = param(ctx, 'id');
  const order = ctx.store.orders.get(id);
  if (!order) throw notFound('order', id);
  return order;
}

/**
 * A sandbox nicety, not documented by Whatalo: the payment status follows the order so the
 * data stays coherent. Money taken is refunded on a cancel or a return; a cash-on-delivery
 * order that completes has been paid. A failed or pending payment on a cancel stays as it is.
 */
function paymentAfter(order: Order, next: OrderStatus): PaymentStatus {
  if (next === 'returned') return 'refunded';
  if (next === 'cancelled' && order.payment_status === 'paid') return 'refunded';
  if (next === 'completed' && order.payment_status === 'pending') return 'paid';
  return order.payment_status;
}

export async function updateOrderStatus(ctx: RouteContext) {
  const order = findOrder(ctx);
  const c = check(await ctx.json(), ['status']);
  const next = oneOf(c, 'status', ORDER_STATUSES, { required: true });
  done(c);
  const allowed = ORDER_TRANSITIONS[order.status];
  if (!allowed.includes(next!)) {
    const options = allowed.length === 0 ? `'${order.status}' is final` : `allowed next: ${allowed.join(', ')}`;
    reject(c, 'status', `cannot change from '${order.status}' to '${next}'; ${options}`);
    done(c);
  }
  order.payment_status = paymentAfter(order, next!);
  order.status = next!;
  order.updated_at = ctx.nowIso();
  return { body: { data: order } };
}

export function listOrders(ctx: RouteContext) {
  const query = readQuery(ctx.url, ['status', 'payment_status', 'customer_id', 'created_after', 'created_before']);
  const status = enumParam(query, 'status', ORDER_STATUSES);
  const payment = enumParam(query, 'payment_status', PAYMENT_STATUSES);
  const customer = stringParam(query, 'customer_id');
  // Half-open range [created_after, created_before): consecutive ranges never double-count.
  const after = dateParam(query, 'created_after');
  const before = dateParam(query, 'created_before');
  if (after !== undefined && before !== undefined && before <= after) {
    query.errors.push({ field: 'created_before', message: 'must be later than created_after' });
  }
  const found = [...ctx.store.orders.values()]
    .filter((o) => {
      const created = Date.parse(o.created_at);
      return (
        (status === undefined || o.status === status) &&
        (payment === undefined || o.payment_status === payment) &&
        (customer === undefined || o.customer_id === customer) &&
        (after === undefined || created >= after) &&
        (before === undefined || created < before)
      );
    })
    .sort(newestFirst);
  return { body: paginate(query, found) };
}

export const getOrder = (ctx: RouteContext) => ({ body: { data: findOrder(ctx) } });
