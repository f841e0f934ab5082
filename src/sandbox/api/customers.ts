/**
 * API v1: customers (CONTRACT §4 customers row). `orders_count`, `total_spent` (paid orders
 * only), `last_order_at` and `last_order_id` are derived from the orders on every read;
 * `has_email`, `has_phone` and `display_contact` from the record. No currency: money is the
 * store's. Customers cannot be deleted through the API (none is documented).
 */
import { customerTotals, customerView, newId, type Customer, type CustomerRecord } from '../data.js';
import { notFound } from './errors.js';
import { booleanParam, countAnswer, dateRange, inRange, matches, numberRange, paginate, readQuery, sortBy, stringParam, timeInRange } from './list.js';
import { param, type RouteContext } from './route.js';
import { check, done, reject, requireSome, text, type Checker } from './validate.js';

const FIELDS = ['name', 'email', 'phone', 'notes'] as const;
// Deliberately loose: one @, something on both sides, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{7,20}$/;

function findCustomer(ctx: RouteContext): CustomerRecord {
  const id = param(ctx, 'id');
  const customer = ctx.store.customers.get(id);
  if (!customer) throw notFound('customer', id);
  return customer;
}

function view(ctx: RouteContext, c: CustomerRecord): Customer {
  return customerView(c, customerTotals(ctx.store).get(c.id));
}

function readFields(c: Checker, creating: boolean): Partial<CustomerRecord> {
  const f: Partial<CustomerRecord> = {};
  const name = text(c, 'name', 200, { required: creating });
  if (name != null) f.name = name;
  const email = text(c, 'email', 254, { nullable: true });
  if (email != null && !EMAIL.test(email)) reject(c, 'email', 'must be an email address');
  else if (email !== undefined) f.email = email === null ? null : email.toLowerCase();
  const phone = text(c, 'phone', 32, { nullable: true });
  if (phone != null && !PHONE.test(phone)) reject(c, 'phone', 'must be a phone number, e.g. +52 55 1234 5678');
  else if (phone !== undefined) f.phone = phone;
  const notes = text(c, 'notes', 2000, { nullable: true });
  if (notes !== undefined) f.notes = notes;
  return f;
}

export async function createCustomer(ctx: RouteContext) {
  const c = check(await ctx.json(), FIELDS);
  const f = readFields(c, true);
  done(c);
  const now = ctx.nowIso();
  const customer: CustomerRecord = {
    id: newId(ctx.data, 'number'),
    name: f.name!,
    email: f.email ?? null,
    phone: f.phone ?? null,
    notes: f.notes ?? null,
    created_at: now,
    updated_at: now,
  };
  ctx.store.customers.set(customer.id, customer);
  return { status: 201, body: { data: view(ctx, customer) } };
}

export async function updateCustomer(ctx: RouteContext) {
  const customer = findCustomer(ctx);
  const c = check(await ctx.json(), FIELDS);
  requireSome(c, FIELDS);
  const f = readFields(c, false);
  done(c);
  Object.assign(customer, f, { updated_at: ctx.nowIso() });
  return { body: { data: view(ctx, customer) } };
}

export const getCustomer = (ctx: RouteContext) => ({ body: { data: view(ctx, findCustomer(ctx)) } });

const LIST_FILTERS = [
  'sort',
  'order',
  'search',
  'total_spent[gte]',
  'total_spent[lte]',
  'orders_count[gte]',
  'orders_count[lte]',
  'last_order_at[gte]',
  'last_order_at[lte]',
  'has_orders',
];

export function listCustomers(ctx: RouteContext) {
  const q = readQuery(ctx.url, LIST_FILTERS, ctx.store.store.timezone);
  const search = stringParam(q, 'search');
  const spent = numberRange(q, 'total_spent');
  const count = numberRange(q, 'orders_count');
  const last = dateRange(q, 'last_order_at');
  const hasOrders = booleanParam(q, 'has_orders');
  const totals = customerTotals(ctx.store);
  const found = [...ctx.store.customers.values()]
    .map((c) => customerView(c, totals.get(c.id)))
    .filter(
      (c) =>
        matches(search, c.name, c.email, c.phone) &&
        inRange(c.total_spent, spent) &&
        inRange(c.orders_count, count) &&
        timeInRange(c.last_order_at, last) &&
        (hasOrders === undefined || c.orders_count > 0 === hasOrders),
    );
  const sorted = sortBy(
    q,
    found,
    {
      name: (c) => c.name,
      created_at: (c) => c.created_at,
      updated_at: (c) => c.updated_at,
      orders_count: (c) => c.orders_count,
      total_spent: (c) => c.total_spent,
      last_order_at: (c) => c.last_order_at,
    },
    'created_at',
  );
  return { body: paginate(q, sorted) };
}

/** Every customer of the store: no filter is documented for the count. */
export function countCustomers(ctx: RouteContext) {
  const q = readQuery(ctx.url, [], ctx.store.store.timezone, false);
  return countAnswer(q, ctx.store.customers.size);
}
