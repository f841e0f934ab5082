/** Products: list, count, read, create, change, hide, delete. Stock lives in inventory.ts. */
import { z } from 'zod';
import { PRODUCT_SORTS, PRODUCT_STATUSES, STOCK_STATUSES, type Product, type ProductFields } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { commaList, defined, defineTool, idArg, isId, moneyArg, sortArgs } from './define.js';
import { formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';
import { toolTexts } from './texts.js';

// Output records declare the fields a model keys on; the others (named in get_product's
// description) pass through a loose object unlisted: a host pays for each listed byte in its context window.
export const productSchema = z.looseObject({ id: z.string(), name: z.string(), price: z.number(), is_active: z.boolean() });

const productId = idArg('product', 'list_products');

// The writable fields, shared by create and update; on update `null` clears a field.
const name = z.string().trim().min(1, 'must not be empty').max(200);
const price = moneyArg();
const sku = z.string().trim().min(1, 'must not be empty').max(64);
const description = z.string().max(5000);
const visibilityArg = z.enum(['active', 'inactive']).describe('inactive = hidden from the storefront.');
const compareAt = moneyArg('Struck-through "was" price.');
const categoryId = idArg('category', 'list_categories');

/** How the merchant knows a product: «name» and its SKU. */
export function productLabel(product: Pick<Product, 'name' | 'sku'>): string {
  return `«${product.name}»${product.sku ? ` (SKU ${product.sku})` : ''}`;
}

/** The store's currency for amounts in texts, or none when the store cannot be read. */
async function currencyOf(store: () => Promise<{ currency: string } | undefined>): Promise<string | null> {
  return (await store())?.currency ?? null;
}

export const listProducts = defineTool({
  name: 'list_products',
  title: 'List products',
  description:
    "Lists the store's products, newest first, hidden ones included unless status says otherwise, one page at a time. " +
    'query matches name or SKU. Prices are in the store currency.',
  toolset: 'products',
  scope: 'read:products',
  inputSchema: z.strictObject({
    status: z.enum(PRODUCT_STATUSES).default('all'),
    category_id: commaList(isId, 'a category id', 'One category id or several, comma-separated.').optional(),
    featured: z.boolean().optional(),
    min_price: moneyArg().optional(),
    max_price: moneyArg().optional(),
    stock_status: z.enum(STOCK_STATUSES).optional(),
    query: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    ...sortArgs(PRODUCT_SORTS),
    ...pageArgs,
  }),
  outputSchema: listOutput(productSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  fieldAliases: { search: 'query', is_featured: 'featured', 'price[gte]': 'min_price', 'price[lte]': 'max_price' },
  async handler(args, { api, store }) {
    const filters = defined({
      status: args.status,
      category_id: args.category_id,
      is_featured: args.featured,
      'price[gte]': args.min_price,
      'price[lte]': args.max_price,
      stock_status: args.stock_status,
      search: args.query,
      sort: args.sort,
      order: args.order,
    });
    const position = startPosition('list_products', args, filters);
    // The store after the page, not beside it: when the API is down, one request fails, not two.
    const page = await api.listProducts({ ...filters, page: position.page, per_page: position.per_page });
    const currency = await currencyOf(store);
    const data = pageResult(page, position);
    return { text: pageSummary(toolTexts().t('tool.noun.products'), data, position) + (currency ? toolTexts().t('tool.pricesIn', { currency }) : ''), data };
  },
});

export const countProducts = defineTool({
  name: 'count_products',
  title: 'Count products',
  description: "Counts the store's products: all of them, or only the active (visible) or inactive (hidden) ones.",
  toolset: 'products',
  scope: 'read:products',
  inputSchema: z.strictObject({ status: z.enum(PRODUCT_STATUSES).default('all') }),
  outputSchema: z.object({ count: z.number().int(), status: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const count = await api.countProducts({ status: args.status });
    return { text: toolTexts().t('tool.count.products', { count, status: args.status }), data: { count, status: args.status } };
  },
});

export const getProduct = defineTool({
  name: 'get_product',
  title: 'Get product',
  description:
    'Returns one product by id: price, compare_price, is_active (false = hidden), is_featured, SKU, stock_quantity, ' + 'category_id, images and its variants.',
  toolset: 'products',
  scope: 'read:products',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, store }) {
    const product = await api.getProduct(args.product_id);
    const currency = await currencyOf(store);
    const text = toolTexts().t('tool.product', {
      label: productLabel(product),
      id: product.id,
      price: formatMoney(product.price, currency),
      visible: product.is_active,
      ...(typeof product.stock_quantity === 'number' ? { stock: product.stock_quantity } : {}),
      variants: product.variants?.length ?? 0,
    });
    return {
      text,
      data: { product },
    };
  },
});

/** The tool's arguments as API v1's fields (status → is_active, compare_at_price → compare_price). */
function productFields(args: {
  name?: string | undefined;
  price?: number | undefined;
  sku?: string | null | undefined;
  description?: string | null | undefined;
  status?: 'active' | 'inactive' | undefined;
  featured?: boolean | undefined;
  category_id?: string | null | undefined;
  compare_at_price?: number | null | undefined;
}): ProductFields {
  return defined({
    name: args.name,
    price: args.price,
    sku: args.sku,
    description: args.description,
    is_active: args.status === undefined ? undefined : args.status === 'active',
    is_featured: args.featured,
    category_id: args.category_id,
    compare_price: args.compare_at_price,
  });
}

const PRODUCT_ALIASES = { compare_price: 'compare_at_price', is_active: 'status', is_featured: 'featured' } as const;

export const createProduct = defineTool({
  name: 'create_product',
  title: 'Create product',
  description:
    'Creates a product, visible unless status is inactive. Price in the store currency. Stock starts at 0 (see adjust_inventory). ' +
    'Each call creates another product.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({
    name,
    price,
    sku: sku.optional(),
    description: description.optional(),
    status: visibilityArg.optional(),
    featured: z.boolean().optional(),
    category_id: categoryId.optional(),
    compare_at_price: compareAt.optional(),
  }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  fieldAliases: PRODUCT_ALIASES,
  async handler(args, { api, store }) {
    const product = await api.createProduct({ ...productFields(args), name: args.name, price: args.price });
    const currency = await currencyOf(store);
    return {
      text: toolTexts().t('tool.product.created', {
        label: productLabel(product),
        id: product.id,
        price: formatMoney(product.price, currency),
        visible: product.is_active,
      }),
      data: { product },
    };
  },
});

const UPDATABLE = ['name', 'price', 'sku', 'description', 'status', 'featured', 'category_id', 'compare_at_price'] as const;

export const updateProduct = defineTool({
  name: 'update_product',
  title: 'Update product',
  description:
    'Changes fields of a product; fields left out stay, null clears sku, description, category_id or compare_at_price. ' +
    'status active shows a hidden product again. Stock: adjust_inventory.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({
    product_id: productId,
    name: name.optional(),
    price: price.optional(),
    sku: sku.nullable().optional(),
    description: description.nullable().optional(),
    status: visibilityArg.optional(),
    featured: z.boolean().optional(),
    category_id: categoryId.nullable().optional(),
    compare_at_price: compareAt.nullable().optional(),
  }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  fieldAliases: PRODUCT_ALIASES,
  async handler(args, { api }) {
    const { product_id, ...rest } = args;
    const fields = productFields(rest);
    if (Object.keys(fields).length === 0) {
      throw new WhataloError('VALIDATION', `Invalid arguments: give at least one field to change (${UPDATABLE.join(', ')}).`);
    }
    const product = await api.updateProduct(product_id, fields);
    const changed = Object.keys(rest).filter((k) => rest[k as keyof typeof rest] !== undefined);
    return { text: toolTexts().t('tool.updated', { kind: '', label: productLabel(product), id: product.id, fields: changed }), data: { product } };
  },
});

export const deactivateProduct = defineTool({
  name: 'deactivate_product',
  title: 'Hide product',
  description:
    'Hides a product from the storefront (is_active false) and keeps it, its stock and its history. update_product with status active shows it again.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ product: productSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const product = await api.updateProduct(args.product_id, { is_active: false });
    return { text: toolTexts().t('tool.product.hidden', { label: productLabel(product), id: product.id }), data: { product } };
  },
});

export const deleteProduct = defineTool({
  name: 'delete_product',
  title: 'Delete product',
  description:
    'Deletes a product for good; there is no undo. Past orders keep their copy of its name and price. ' +
    'deactivate_product hides it instead. The merchant may be asked to confirm.',
  toolset: 'products',
  scope: 'write:products',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ id: z.string(), deleted: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, confirm }) {
    const id = args.product_id;
    const { t } = toolTexts();
    const yes = await confirm(async () => t('tool.confirm.deleteProduct', { label: productLabel(await api.getProduct(id)) }));
    if (!yes) return { text: t('tool.notConfirmed.delete', { kind: t('tool.kind.product'), id }), data: { id, deleted: false } };
    const result = await api.deleteProduct(id);
    return { text: t('tool.deleted', { kind: t('tool.kind.product'), id, deleted: result.deleted === true }), data: { id, deleted: result.deleted === true } };
  },
});
