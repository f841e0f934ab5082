/** Customers: list, count, read, add and change. The results hold personal data. */
import { z } from 'zod';
import { CUSTOMER_SORTS, type Customer } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { defined, defineTool, idArg, moneyArg, sortArgs } from './define.js';
import { formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';
import { toolTexts } from './texts.js';

// The fields a model keys on; the others (named in get_customer's description) pass through
// a loose object unlisted: a host pays for each listed byte in its context window.
export const customerSchema = z.looseObject({ id: z.string(), name: z.string() });

const customerId = idArg('customer', 'list_customers or an order');
const count = z.number().int().min(0);
const name = z.string().trim().min(1, 'must not be empty').max(200);
const email = z.email().max(254);
const phone = z.string().trim().min(3).max(40);
const notes = z.string().max(2000);

export const listCustomers = defineTool({
  name: 'list_customers',
  title: 'List customers',
  description:
    "Lists the store's customers, newest first, one page at a time, with contact details, orders_count and total_spent. " +
    'query matches name, email or phone. Best customers: sort total_spent, order desc.',
  toolset: 'customers',
  scope: 'read:customers',
  inputSchema: z.strictObject({
    query: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    has_orders: z.boolean().optional(),
    min_spent: moneyArg().optional(),
    max_spent: moneyArg().optional(),
    min_orders: count.optional(),
    max_orders: count.optional(),
    ...sortArgs(CUSTOMER_SORTS),
    ...pageArgs,
  }),
  outputSchema: listOutput(customerSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  fieldAliases: {
    search: 'query',
    'total_spent[gte]': 'min_spent',
    'total_spent[lte]': 'max_spent',
    'orders_count[gte]': 'min_orders',
    'orders_count[lte]': 'max_orders',
  },
  async handler(args, { api }) {
    const filters = defined({
      search: args.query,
      has_orders: args.has_orders,
      'total_spent[gte]': args.min_spent,
      'total_spent[lte]': args.max_spent,
      'orders_count[gte]': args.min_orders,
      'orders_count[lte]': args.max_orders,
      sort: args.sort,
      order: args.order,
    });
    const position = startPosition('list_customers', args, filters);
    const page = await api.listCustomers({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary(toolTexts().t('tool.noun.customers'), data, position), data };
  },
});

export const countCustomers = defineTool({
  name: 'count_customers',
  title: 'Count customers',
  description: "Counts the store's customers, everyone who bought or was added; list_customers filters and ranks them.",
  toolset: 'customers',
  scope: 'read:customers',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({ count: z.number().int() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, { api }) {
    const count = await api.countCustomers();
    return { text: toolTexts().t('tool.count.customers', { count }), data: { count } };
  },
});

async function summary(customer: Customer, store: () => Promise<{ currency: string } | undefined>): Promise<string> {
  const spent = typeof customer.total_spent === 'number' ? formatMoney(customer.total_spent, (await store())?.currency) : undefined;
  return toolTexts().t('tool.customer', {
    name: customer.name,
    id: customer.id,
    ...(typeof customer.orders_count === 'number' ? { orders: customer.orders_count } : {}),
    ...(spent ? { spent } : {}),
  });
}

export const getCustomer = defineTool({
  name: 'get_customer',
  title: 'Get customer',
  description:
    'Returns one customer by id: name, email, phone, notes, orders_count, total_spent (store currency), last_order_at. ' +
    'Their orders: list_orders with customer_id.',
  toolset: 'customers',
  scope: 'read:customers',
  inputSchema: z.strictObject({ customer_id: customerId }),
  outputSchema: z.object({ customer: customerSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, store }) {
    const customer = await api.getCustomer(args.customer_id);
    return { text: await summary(customer, store), data: { customer } };
  },
});

export const createCustomer = defineTool({
  name: 'create_customer',
  title: 'Add customer',
  description: 'Adds a customer with a name and optionally email, phone and notes. Each call adds another customer.',
  toolset: 'customers',
  scope: 'write:customers',
  inputSchema: z.strictObject({ name, email: email.optional(), phone: phone.optional(), notes: notes.optional() }),
  outputSchema: z.object({ customer: customerSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, { api }) {
    const customer = await api.createCustomer({ ...defined(args), name: args.name });
    return { text: toolTexts().t('tool.customer.added', { name: customer.name, id: customer.id }), data: { customer } };
  },
});

export const updateCustomer = defineTool({
  name: 'update_customer',
  title: 'Update customer',
  description: "Changes a customer's name, email, phone or notes; fields left out stay, null clears email, phone or notes.",
  toolset: 'customers',
  scope: 'write:customers',
  inputSchema: z.strictObject({
    customer_id: customerId,
    name: name.optional(),
    email: email.nullable().optional(),
    phone: phone.nullable().optional(),
    notes: notes.nullable().optional(),
  }),
  outputSchema: z.object({ customer: customerSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const { customer_id, ...rest } = args;
    const fields = defined(rest);
    if (Object.keys(fields).length === 0) throw new WhataloError('VALIDATION', 'Invalid arguments: give name, email, phone or notes to change.');
    const customer = await api.updateCustomer(customer_id, fields);
    return {
      text: toolTexts().t('tool.updated', { kind: toolTexts().t('tool.kind.customer'), label: customer.name, id: customer.id, fields: Object.keys(fields) }),
      data: { customer },
    };
  },
});
