/** Products: list, read, create, change, delete. Stock lives in inventory.ts. */
import { z } from 'zod';
import { PRODUCT_STATUSES, type ProductFields } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { defineTool, idArg, moneyArg } from './define.js';
import { formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';

// Output records declare the fields a model keys on; the others (named in the get tool's
// description) pass through a loose object unlisted: each typed nullable field cost ~30 bytes
// of every tools/list, on every tool that returns the record: a host pays for each byte in its context window.
export const productSchema = z.looseObject({ id: z.string(), name: z.string(), price: z.number(), status: z.string() });

const productId = idArg('product', 'prd_…', 'list_products');
const status = z.enum(PRODUCT_STATUSES);

// The writable fields, shared by create and update; on update `null` clears a field.
const name = z.string().trim().min(1, 'must not be empty').max(200);
const price = moneyArg('At most two decimals.');
const sku = z.string().trim().min(1, 'must not be empty').max(64).describe('Unique in the store.');
const description = z.string().max(5000);
const compareAt = moneyArg('"Was" price, shown struck through.');
const categoryId = idArg('category', 'cat_…', 'list_categories');

export const listProducts = defineTool({
  name: 'list_products',
  title: 'List products',
  description:
    "Lists the store's products, newest first, one page at a time, with price, SKU, status and category. " +
    'Filters: status, category_id, and query (matches name or SKU, ignoring case and accents). ' +
    'Stock levels come from get_inventory.',
  toolset: 'products',
  scope: 'read:products',
  inputSchema: z.strictObject({
    status: status.optional(),
    category_id: categoryId.optional(),
    query: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    ...pageArgs,
  }),
  outputSchema: listOutput(productSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const filters = { status: args.status, category_id: args.category_id, q: args.query };
    const position = startPosition('list_products', args, filters);
    const page = await api.listProducts({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary('products', data, position), data };
  },
});

export const getProduct = defineTool({
  name: 'get_product',
  title: 'Get product',
  description: 'Returns one product by id: name, description, SKU, price, compare-at price, status, category and timestamps.',
  toolset: 'products',
  scope: 'read:products',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const product = await api.getProduct(args.product_id);
    return { text: `${product.name} (${product.id}): ${formatMoney(product.price, product.currency)}, ${product.status}.`, data: { product } };
  },
});

export const createProduct = defineTool({
  name: 'create_product',
  title: 'Create product',
  description:
    'Creates a product in the store. Its status defaults to active, and it starts with a stock of 0 (see adjust_inventory). ' +
    'Each call creates another product, even with the same name.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({
    name,
    price,
    sku: sku.optional(),
    description: description.optional(),
    status: status.optional(),
    category_id: categoryId.optional(),
    compare_at_price: compareAt.optional(),
  }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, { api }) {
    const product = await api.createProduct(args);
    return { text: `Created ${product.name} (${product.id}) at ${formatMoney(product.price, product.currency)}, ${product.status}.`, data: { product } };
  },
});

const UPDATABLE = ['name', 'price', 'sku', 'description', 'status', 'category_id', 'compare_at_price'] as const;

export const updateProduct = defineTool({
  name: 'update_product',
  title: 'Update product',
  description:
    'Changes fields of an existing product; fields left out stay as they are, and null clears sku, description, ' +
    'category_id or compare_at_price. At least one field is required. Stock is changed with adjust_inventory, not here.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({
    product_id: productId,
    name: name.optional(),
    price: price.optional(),
    sku: sku.nullable().optional(),
    description: description.nullable().optional(),
    status: status.optional(),
    category_id: categoryId.nullable().optional(),
    compare_at_price: compareAt.nullable().optional(),
  }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const { product_id, ...rest } = args;
    const fields: ProductFields = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (Object.keys(fields).length === 0) {
      throw new WhataloError('VALIDATION', `Invalid arguments: give at least one field to change (${UPDATABLE.join(', ')}).`);
    }
    const product = await api.updateProduct(product_id, fields);
    return { text: `Updated ${product.name} (${product.id}): ${Object.keys(fields).join(', ')}.`, data: { product } };
  },
});

export const deleteProduct = defineTool({
  name: 'delete_product',
  title: 'Delete product',
  description:
    'Deletes a product and its stock record for good; there is no undo. Past orders keep their own copy of its name and price. ' +
    'To hide a product but keep it, update_product with status archived or draft instead.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ id: z.string(), deleted: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const result = await api.deleteProduct(args.product_id);
    return { text: `Deleted product ${result.id}.`, data: { id: result.id, deleted: result.deleted } };
  },
});
