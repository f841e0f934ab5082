/**
 * API v1: products (CONTRACT §4 products row). Hidden is `is_active: false`; the list shows
 * only active products unless asked for `status=inactive|all`. A product carries no
 * currency (the store's applies). Deleting one answers `{"deleted": true}` with no id;
 * orders keep their copies of its name and price.
 */
import { productView, type ProductRecord, type StoreData, uniqueSlug, newId } from '../data.js';
import { notFound } from './errors.js';
import {
  booleanParam,
  countAnswer,
  enumParam,
  listParam,
  matches,
  numberRange,
  inRange,
  paginate,
  readQuery,
  sortBy,
  stringParam,
  type Query,
} from './list.js';
import { param, requireFeature, type RouteContext } from './route.js';
import { bool, check, done, integer, money, oneOf, reject, requireSome, stringList, text, type Checker } from './validate.js';

const MAX_STOCK = 1_000_000_000;

/** Fields a create or update may send; variants are read-only through this endpoint (our choice: no documented body for them). */
const FIELDS = [
  'name',
  'price',
  'description',
  'compare_price',
  'main_image',
  'gallery',
  'is_active',
  'is_featured',
  'sku',
  'track_inventory',
  'stock_quantity',
  'low_stock_threshold',
  'continue_selling',
  'supplier_cost',
  'wholesale_price',
  'wholesale_min_quantity',
  'condition',
  'invoice_available',
  'fast_shipping',
  'warranty_months',
  'category_id',
] as const;

/**
 * Fields that belong to "Control de Inventario": a store whose plan lacks it gets 403
 * FEATURE_ACCESS_DENIED {feature: "inventory"} when it sends them (the reference shows this
 * answer on POST and PATCH /v1/products).
 */
const INVENTORY_FIELDS = ['track_inventory', 'stock_quantity', 'low_stock_threshold', 'continue_selling'] as const;

/** The product of this store with `id`, or 404 (ids of another store included). */
export function findProduct(store: StoreData, id: string): ProductRecord {
  const product = store.products.get(id);
  if (!product) throw notFound('product', id);
  return product;
}

/** Reads the product fields of a body; on create `name` and `price` are required. */
function readProductFields(c: Checker, store: StoreData, creating: boolean, self?: string): Partial<ProductRecord> {
  const f: Partial<ProductRecord> = {};
  const set = <K extends keyof ProductRecord>(key: K, value: ProductRecord[K] | null | undefined, nullable = false) => {
    if (value !== undefined && (value !== null || nullable)) f[key] = value as ProductRecord[K];
  };
  set('name', text(c, 'name', 200, { required: creating }));
  set('price', money(c, 'price', { required: creating }));
  set('description', text(c, 'description', 5000, { nullable: true }), true);
  set('compare_price', money(c, 'compare_price', { nullable: true }), true);
  set('main_image', text(c, 'main_image', 2048, { nullable: true }), true);
  set('gallery', stringList(c, 'gallery', 20));
  set('is_active', bool(c, 'is_active'));
  set('is_featured', bool(c, 'is_featured'));
  const sku = text(c, 'sku', 64, { nullable: true });
  if (sku !== undefined) {
    // SKUs identify stock; two products sharing one would make inventory ambiguous.
    const owner = sku === null ? undefined : [...store.products.values()].find((p) => p.sku === sku && p.id !== self);
    if (owner) reject(c, 'sku', `is already used by product ${owner.id}`);
    else f.sku = sku;
  }
  set('track_inventory', bool(c, 'track_inventory'));
  set('stock_quantity', integer(c, 'stock_quantity', { min: 0, max: MAX_STOCK }));
  set('low_stock_threshold', integer(c, 'low_stock_threshold', { min: 0, max: MAX_STOCK }));
  set('continue_selling', bool(c, 'continue_selling'));
  set('supplier_cost', money(c, 'supplier_cost', { nullable: true }), true);
  set('wholesale_price', money(c, 'wholesale_price', { nullable: true }), true);
  set('wholesale_min_quantity', integer(c, 'wholesale_min_quantity', { min: 1, max: MAX_STOCK }, { nullable: true }), true);
  set('condition', oneOf(c, 'condition', ['new', 'used', 'refurbished'] as const));
  set('invoice_available', bool(c, 'invoice_available'));
  set('fast_shipping', bool(c, 'fast_shipping'));
  set('warranty_months', integer(c, 'warranty_months', { min: 0, max: 600 }, { nullable: true }), true);
  const category = text(c, 'category_id', 64, { nullable: true });
  if (category !== undefined) {
    if (category !== null && !store.categories.has(category)) reject(c, 'category_id', `no category '${category}' in this store`);
    else f.category_id = category;
  }
  return f;
}

/** A compare_price is a "before" price: it must be above the price it is shown next to. */
function checkComparePrice(c: Checker, product: Pick<ProductRecord, 'price' | 'compare_price'>): void {
  if (product.compare_price !== null && product.compare_price <= product.price) {
    reject(c, 'compare_price', `must be greater than the price (${product.price}), or null`);
  }
}

function gateInventory(ctx: RouteContext, c: Checker): void {
  if (INVENTORY_FIELDS.some((name) => Object.hasOwn(c.body, name))) requireFeature(ctx, 'inventory');
}

export async function createProduct(ctx: RouteContext) {
  const c = check(await ctx.json(), FIELDS);
  gateInventory(ctx, c);
  const f = readProductFields(c, ctx.store, true);
  const now = ctx.nowIso();
  const product: ProductRecord = {
    id: '',
    name: f.name ?? '',
    slug: '',
    description: f.description ?? null,
    price: f.price ?? 0,
    compare_price: f.compare_price ?? null,
    main_image: f.main_image ?? null,
    gallery: f.gallery ?? [],
    // Documented: a new product is active unless is_active: false is sent.
    is_active: f.is_active ?? true,
    is_featured: f.is_featured ?? false,
    sku: f.sku ?? null,
    track_inventory: f.track_inventory ?? false,
    stock_quantity: f.stock_quantity ?? 0,
    low_stock_threshold: f.low_stock_threshold ?? 5,
    continue_selling: f.continue_selling ?? false,
    supplier_cost: f.supplier_cost ?? null,
    wholesale_price: f.wholesale_price ?? null,
    wholesale_min_quantity: f.wholesale_min_quantity ?? null,
    condition: f.condition ?? 'new',
    invoice_available: f.invoice_available ?? false,
    fast_shipping: f.fast_shipping ?? false,
    warranty_months: f.warranty_months ?? null,
    category_id: f.category_id ?? null,
    variants: [],
    created_at: now,
    updated_at: now,
  };
  checkComparePrice(c, product);
  done(c);
  product.id = newId(ctx.data, 'number');
  product.slug = uniqueSlug(product.name, ctx.store.products.values());
  ctx.store.products.set(product.id, product);
  return { status: 201, body: { data: productView(product) } };
}

export async function updateProduct(ctx: RouteContext) {
  const product = findProduct(ctx.store, param(ctx, 'id'));
  const c = check(await ctx.json(), FIELDS);
  gateInventory(ctx, c);
  requireSome(c, FIELDS);
  const f = readProductFields(c, ctx.store, false, product.id);
  checkComparePrice(c, { price: f.price ?? product.price, compare_price: f.compare_price !== undefined ? f.compare_price : product.compare_price });
  done(c);
  // The slug follows the name (our choice; Whatalo does not say whether it is kept).
  if (f.name !== undefined && f.name !== product.name)
    f.slug = uniqueSlug(
      f.name,
      [...ctx.store.products.values()].filter((p) => p.id !== product.id),
    );
  Object.assign(product, f, { updated_at: ctx.nowIso() });
  return { body: { data: productView(product) } };
}

export const PRODUCT_LIST_STATUSES = ['active', 'inactive', 'all'] as const;
const STOCK_STATUSES = ['in_stock', 'low_stock', 'out_of_stock'] as const;

/** Whatalo's stock_status: in_stock = quantity > threshold; low_stock = 0 < quantity ≤ threshold; out_of_stock = 0. */
export function stockStatus(p: ProductRecord): (typeof STOCK_STATUSES)[number] {
  if (p.stock_quantity <= 0) return 'out_of_stock';
  return p.stock_quantity <= p.low_stock_threshold ? 'low_stock' : 'in_stock';
}

/** The `status` filter shared by the list and the count; documented default `active`. */
function byStatus(q: Query): (p: ProductRecord) => boolean {
  const status = enumParam(q, 'status', PRODUCT_LIST_STATUSES) ?? 'active';
  return (p) => status === 'all' || p.is_active === (status === 'active');
}

const LIST_FILTERS = ['sort', 'order', 'search', 'status', 'category_id', 'is_featured', 'price[gte]', 'price[lte]', 'stock_status'];

export function listProducts(ctx: RouteContext) {
  const q = readQuery(ctx.url, LIST_FILTERS, ctx.store.store.timezone);
  const status = byStatus(q);
  const search = stringParam(q, 'search');
  const categories = listParam(q, 'category_id');
  const featured = booleanParam(q, 'is_featured');
  const price = numberRange(q, 'price');
  const stock = enumParam(q, 'stock_status', STOCK_STATUSES);
  const found = [...ctx.store.products.values()].filter(
    (p) =>
      status(p) &&
      matches(search, p.name, p.sku, p.description) &&
      (categories === undefined || (p.category_id !== null && categories.includes(p.category_id))) &&
      (featured === undefined || p.is_featured === featured) &&
      inRange(p.price, price) &&
      (stock === undefined || stockStatus(p) === stock),
  );
  const sorted = sortBy(
    q,
    found,
    { name: (p) => p.name, price: (p) => p.price, stock_quantity: (p) => p.stock_quantity, created_at: (p) => p.created_at, updated_at: (p) => p.updated_at },
    'created_at',
  );
  const page = paginate(q, sorted);
  return { body: { ...page, data: page.data.map(productView) } };
}

export function countProducts(ctx: RouteContext) {
  const q = readQuery(ctx.url, ['status'], ctx.store.store.timezone, false);
  const status = byStatus(q);
  return countAnswer(q, [...ctx.store.products.values()].filter(status).length);
}

export const getProduct = (ctx: RouteContext) => ({ body: { data: productView(findProduct(ctx.store, param(ctx, 'id'))) } });

export function deleteProduct(ctx: RouteContext) {
  const product = findProduct(ctx.store, param(ctx, 'id'));
  ctx.store.products.delete(product.id);
  // A discount that named the product no longer does.
  for (const d of ctx.store.discounts.values()) d.applicable_product_ids = d.applicable_product_ids.filter((id) => id !== product.id);
  return { body: { data: { deleted: true } } };
}
