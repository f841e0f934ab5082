/**
 * API v1: products. A new product starts with an inventory of 0; deleting one removes it
 * and its inventory (orders keep their copies of its name and price).
 */
import { PRODUCT_STATUSES, newId, type Product, type StoreData } from '../data.js';
import { notFound } from './errors.js';
import { enumParam, matches, newestFirst, paginate, readQuery, stringParam } from './list.js';
import { param, type RouteContext } from './route.js';
import { check, done, money, oneOf, reject, requireSome, text, type Checker } from './validate.js';

const FIELDS = ['name', 'price', 'sku', 'description', 'status', 'category_id', 'compare_at_price'] as const;

/** The product of this store with `id`, or 404 (ids of another store included). */
export function findProduct(store: StoreData, id: string): Product {
  const product = store.products.get(id);
  if (!product) throw notFound('product', id);
  return product;
}

/** Reads the product fields of a body; on create `name` and `price` are required. */
function readProductFields(c: Checker, store: StoreData, creating: boolean, self?: string): Partial<Product> {
  const fields: Partial<Product> = {};
  const name = text(c, 'name', 200, { required: creating });
  if (name != null) fields.name = name;
  const price = money(c, 'price', { required: creating });
  if (price != null) fields.price = price;
  const sku = text(c, 'sku', 64, { nullable: true });
  if (sku !== undefined) {
    // SKUs identify stock; two products sharing one would make inventory ambiguous.
    const owner = sku === null ? undefined : [...store.products.values()].find((p) => p.sku === sku && p.id !== self);
    if (owner) reject(c, 'sku', `is already used by product ${owner.id}`);
    else fields.sku = sku;
  }
  const description = text(c, 'description', 5000, { nullable: true });
  if (description !== undefined) fields.description = description;
  const status = oneOf(c, 'status', PRODUCT_STATUSES);
  if (status != null) fields.status = status;
  const category = text(c, 'category_id', 64, { nullable: true });
  if (category !== undefined) {
    if (category !== null && !store.categories.has(category)) reject(c, 'category_id', `no category '${category}' in this store`);
    else fields.category_id = category;
  }
  const compare = money(c, 'compare_at_price', { nullable: true });
  if (compare !== undefined) fields.compare_at_price = compare;
  return fields;
}

export async function createProduct(ctx: RouteContext) {
  const c = check(await ctx.json(), FIELDS);
  const fields = readProductFields(c, ctx.store, true);
  done(c);
  const now = ctx.nowIso();
  const product: Product = {
    id: newId(ctx.data, 'prd'),
    name: fields.name!,
    description: fields.description ?? null,
    sku: fields.sku ?? null,
    price: fields.price!,
    compare_at_price: fields.compare_at_price ?? null,
    currency: ctx.store.store.currency,
    status: fields.status ?? 'active',
    category_id: fields.category_id ?? null,
    created_at: now,
    updated_at: now,
  };
  ctx.store.products.set(product.id, product);
  ctx.store.inventory.set(product.id, { product_id: product.id, sku: product.sku, quantity: 0, updated_at: now });
  return { status: 201, body: { data: product } };
}

export async function updateProduct(ctx: RouteContext) {
  const product = findProduct(ctx.store, param(ctx, 'id'));
  const c = check(await ctx.json(), FIELDS);
  requireSome(c, FIELDS);
  const fields = readProductFields(c, ctx.store, false, product.id);
  done(c);
  const now = ctx.nowIso();
  Object.assign(product, fields, { updated_at: now });
  const inventory = ctx.store.inventory.get(product.id);
  if (inventory && fields.sku !== undefined) inventory.sku = fields.sku;
  return { body: { data: product } };
}

export function listProducts(ctx: RouteContext) {
  const query = readQuery(ctx.url, ['status', 'category_id', 'q']);
  const status = enumParam(query, 'status', PRODUCT_STATUSES);
  const category = stringParam(query, 'category_id');
  const q = stringParam(query, 'q');
  const found = [...ctx.store.products.values()]
    .filter((p) => (status === undefined || p.status === status) && (category === undefined || p.category_id === category) && matches(q, p.name, p.sku))
    .sort(newestFirst);
  return { body: paginate(query, found) };
}

export const getProduct = (ctx: RouteContext) => ({ body: { data: findProduct(ctx.store, param(ctx, 'id')) } });

export function deleteProduct(ctx: RouteContext) {
  const product = findProduct(ctx.store, param(ctx, 'id'));
  ctx.store.products.delete(product.id);
  ctx.store.inventory.delete(product.id);
  return { body: { data: { id: product.id, deleted: true } } };
}
