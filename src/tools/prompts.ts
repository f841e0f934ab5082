/**
 * Prompts for the first things a merchant asks: each one a short request in the merchant's
 * words, naming the tools it expects (a model still chooses). Plain data: server.ts lists a
 * prompt only when every tool it names is enabled, and test/tools/prompts.test.ts holds the
 * names to the tool list.
 */

export interface PromptArgument {
  name: string;
  description: string;
  required?: boolean;
}

export interface PromptRecord {
  name: string;
  title: string;
  description: string;
  arguments: PromptArgument[];
  /** Every tool the text names, in the order it names them. */
  tools: readonly string[];
  text(args: Readonly<Record<string, string | undefined>>): string;
}

const or = (value: string | undefined, fallback: string) => (value && value.trim() ? value.trim() : fallback);

export const PROMPTS: readonly PromptRecord[] = Object.freeze([
  {
    name: 'weekly_sales_report',
    title: 'Weekly sales report',
    description: 'Revenue, orders, average order and best sellers for a week, compared with the week before.',
    arguments: [{ name: 'week_start', description: 'First day of the week, YYYY-MM-DD (default: 7 days ago).' }],
    tools: ['get_store', 'get_sales_summary'],
    text: (a) =>
      `Write my weekly sales report for the week starting ${or(a.week_start, '7 days ago')}. Use get_store for the currency and time zone, ` +
      'then get_sales_summary for that week and for the week before it. Give revenue, paid orders, average order value, the best sellers ' +
      'and the best day, each with the change against the week before, in a short table and three sentences.',
  },
  {
    name: 'restock_suggestions',
    title: 'Restock suggestions',
    description: 'Products that are out of stock or running low, ranked by how well they sell.',
    arguments: [{ name: 'days', description: 'Sales period to weigh them by, in days (default 30).' }],
    tools: ['list_products', 'get_inventory', 'get_sales_summary'],
    text: (a) =>
      'Which products should I restock? Use list_products with stock_status out_of_stock and then low_stock (status active), ' +
      `get_inventory for the variants of each, and get_sales_summary over the last ${or(a.days, '30')} days with top 20 to see what sells. ` +
      'List them by urgency with current stock, units sold in the period and a suggested quantity to order.',
  },
  {
    name: 'best_customers',
    title: 'Best customers',
    description: 'The customers who spent the most, with how often they order.',
    arguments: [{ name: 'count', description: 'How many customers (default 10).' }],
    tools: ['list_customers', 'get_store'],
    text: (a) =>
      `Who are my ${or(a.count, '10')} best customers? Use list_customers with sort total_spent and order desc, and get_store for the currency. ` +
      'Show name, total spent, number of orders and last order date, and suggest one way to thank each group.',
  },
  {
    name: 'promotion_for_products',
    title: 'Promotion for products',
    description: 'A discount code for a set of products: checks the products, creates the code and tests it.',
    arguments: [
      { name: 'products', description: 'Product names, SKUs or ids.', required: true },
      { name: 'percent', description: 'Discount in percent (default 10).' },
      { name: 'days', description: 'How long it runs, in days (default 7).' },
    ],
    tools: ['list_products', 'create_discount', 'validate_discount'],
    text: (a) =>
      `Create a promotion for these products: ${or(a.products, '(ask me which)')}. Find them with list_products (query), and tell me their prices. ` +
      `Then propose a code and, once I agree, create_discount with type percentage, value ${or(a.percent, '10')}, their product_ids, ` +
      'starting now and ending in ' +
      `${or(a.days, '7')} days. Check it with validate_discount on a typical order total, and write a short WhatsApp message announcing it.`,
  },
  {
    name: 'orders_waiting',
    title: 'Orders waiting for action',
    description: 'Orders that are pending, confirmed or in progress, oldest first, with what each one needs next.',
    arguments: [],
    tools: ['list_orders', 'get_order', 'update_order_status'],
    text: () =>
      'Which orders are waiting for me? Use list_orders with status pending,confirmed,in_progress, sort created_at and order asc, and ' +
      'get_order for the items of the oldest ones. Group them by status, flag those with payment still pending, and say the next step for ' +
      'each. Do not change any order until I say so; then use update_order_status.',
  },
]);
