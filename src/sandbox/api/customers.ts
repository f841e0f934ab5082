/** API v1: customers (read only). `q` searches name and email, ignoring case and accents. */
import { customerView } from '../data.js';
import { notFound } from './errors.js';
import { matches, newestFirst, paginate, readQuery, stringParam } from './list.js';
import { param, type RouteContext } from './route.js';

export function listCustomers(ctx: RouteContext) {
  const query = readQuery(ctx.url, ['q']);
  const q = stringParam(query, 'q');
  const found = [...ctx.store.customers.values()].filter((c) => matches(q, c.name, c.email)).sort(newestFirst);
  const page = paginate(query, found);
  return { body: { ...page, data: page.data.map((c) => customerView(ctx.store, c)) } };
}

export function getCustomer(ctx: RouteContext) {
  const id = param(ctx, 'id');
  const customer = ctx.store.customers.get(id);
  if (!customer) throw notFound('customer', id);
  return { body: { data: customerView(ctx.store, customer) } };
}
