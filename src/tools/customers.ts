/** Customers: list and read. There are no customer writes in API v1's public surface. */
import { z } from 'zod';
import { defineTool, idArg } from './define.js';
import { formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';

// The fields a model keys on; the others (named in get_customer's description) pass through
// a loose object unlisted, to keep tools/list small: a host pays for each byte in its context window.
export const customerSchema = z.looseObject({ id: z.string(), name: z.string() });

export const listCustomers = defineTool({
  name: 'list_customers',
  title: 'List customers',
  description:
    "Lists the store's customers, newest first, one page at a time, with contact details, order count and total spent. " +
    'query matches name or email, ignoring case and accents. The results contain personal data.',
  toolset: 'customers',
  scope: 'read:customers',
  inputSchema: z.strictObject({
    query: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    ...pageArgs,
  }),
  outputSchema: listOutput(customerSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const filters = { q: args.query };
    const position = startPosition('list_customers', args, filters);
    const page = await api.listCustomers({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary('customers', data, position), data };
  },
});

export const getCustomer = defineTool({
  name: 'get_customer',
  title: 'Get customer',
  description:
    'Returns one customer by id: name, email, phone, number of orders, total spent and since when they are a customer. Their orders are in list_orders ' +
    'with customer_id.',
  toolset: 'customers',
  scope: 'read:customers',
  inputSchema: z.strictObject({ customer_id: idArg('customer', 'cus_…', 'list_customers or an order') }),
  outputSchema: z.object({ customer: customerSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const customer = await api.getCustomer(args.customer_id);
    return {
      text: `${customer.name} (${customer.id}): ${customer.orders_count} orders, ${formatMoney(customer.total_spent, customer.currency)} spent.`,
      data: { customer },
    };
  },
});
