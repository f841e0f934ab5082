/**
 * API v1: discount codes (CONTRACT §4 discounts row), behind the 'discounts' plan feature
 * (a store whose plan lacks it answers 403 FEATURE_ACCESS_DENIED on every endpoint here).
 * `is_expired`, `is_usable` and `has_usage_limit` are derived at each read from the sandbox
 * clock. Codes are unique per store ignoring case, and stored upper-case (our choice: a
 * customer types "bienvenida10" on WhatsApp).
 */
import { DISCOUNT_TYPES, discountView, fromCents, newId, toCents, type DiscountRecord } from '../data.js';
import { notFound } from './errors.js';
import { enumParam, paginate, readQuery } from './list.js';
import { param, requireFeature, type RouteContext } from './route.js';
import { bool, check, dateTime, done, integer, money, oneOf, reject, requireSome, stringList, text, type Checker } from './validate.js';

const FIELDS = [
  'code',
  'type',
  'value',
  'min_order_amount',
  'max_uses',
  'starts_at',
  'expires_at',
  'is_active',
  'applies_to_all',
  'applicable_product_ids',
  'applicable_category_ids',
] as const;
const CODE = /^[A-Z0-9_-]{3,32}$/;

function gated(ctx: RouteContext): void {
  requireFeature(ctx, 'discounts');
}

function findDiscount(ctx: RouteContext): DiscountRecord {
  gated(ctx);
  const id = param(ctx, 'id');
  const discount = ctx.store.discounts.get(id);
  if (!discount) throw notFound('discount', id);
  return discount;
}

const view = (ctx: RouteContext, d: DiscountRecord) => discountView(d, ctx.nowMs());

function readFields(ctx: RouteContext, c: Checker, creating: boolean, current?: DiscountRecord): Partial<DiscountRecord> {
  const f: Partial<DiscountRecord> = {};
  const code = text(c, 'code', 32, { required: creating });
  if (code != null) {
    const upper = code.toUpperCase();
    const twin = [...ctx.store.discounts.values()].find((d) => d.code === upper && d.id !== current?.id);
    if (!CODE.test(upper)) reject(c, 'code', 'must be 3 to 32 letters, digits, - or _');
    else if (twin) reject(c, 'code', `is already used by discount ${twin.id}`);
    else f.code = upper;
  }
  const type = oneOf(c, 'type', DISCOUNT_TYPES, { required: creating });
  if (type != null) f.type = type;
  const value = money(c, 'value', { required: creating });
  if (value != null) f.value = value;
  const min = money(c, 'min_order_amount', { nullable: true });
  if (min !== undefined) f.min_order_amount = min;
  const maxUses = integer(c, 'max_uses', { min: 1, max: 10_000_000 }, { nullable: true });
  if (maxUses !== undefined) f.max_uses = maxUses;
  const starts = dateTime(c, 'starts_at', { nullable: true });
  if (starts !== undefined) f.starts_at = starts;
  const expires = dateTime(c, 'expires_at', { nullable: true });
  if (expires !== undefined) f.expires_at = expires;
  const active = bool(c, 'is_active');
  if (active != null) f.is_active = active;
  const all = bool(c, 'applies_to_all');
  if (all != null) f.applies_to_all = all;
  const products = stringList(c, 'applicable_product_ids', 500);
  if (products != null) {
    const unknown = products.filter((id) => !ctx.store.products.has(id));
    if (unknown.length > 0) reject(c, 'applicable_product_ids', `no product ${unknown.join(', ')} in this store`);
    else f.applicable_product_ids = products;
  }
  const categories = stringList(c, 'applicable_category_ids', 500);
  if (categories != null) {
    const unknown = categories.filter((id) => !ctx.store.categories.has(id));
    if (unknown.length > 0) reject(c, 'applicable_category_ids', `no category ${unknown.join(', ')} in this store`);
    else f.applicable_category_ids = categories;
  }
  return f;
}

/** Checks that hold for the discount as it would be after the write. */
function checkWhole(c: Checker, d: Pick<DiscountRecord, 'type' | 'value' | 'starts_at' | 'expires_at'>): void {
  if (d.type === 'percentage' && (d.value <= 0 || d.value > 100)) reject(c, 'value', 'a percentage must be more than 0 and at most 100');
  if (d.type === 'fixed_amount' && d.value <= 0) reject(c, 'value', 'must be more than 0');
  if (d.starts_at !== null && d.expires_at !== null && d.expires_at <= d.starts_at) reject(c, 'expires_at', 'must be after starts_at');
}

export async function createDiscount(ctx: RouteContext) {
  gated(ctx);
  const c = check(await ctx.json(), FIELDS);
  const f = readFields(ctx, c, true);
  const now = ctx.nowIso();
  const products = f.applicable_product_ids ?? [];
  const categories = f.applicable_category_ids ?? [];
  const discount: DiscountRecord = {
    id: '',
    code: f.code ?? '',
    type: f.type ?? 'percentage',
    value: f.value ?? 0,
    min_order_amount: f.min_order_amount ?? null,
    max_uses: f.max_uses ?? null,
    current_uses: 0,
    starts_at: f.starts_at ?? null,
    expires_at: f.expires_at ?? null,
    is_active: f.is_active ?? true,
    // A code limited to products or categories does not apply to all, unless told otherwise.
    applies_to_all: f.applies_to_all ?? (products.length === 0 && categories.length === 0),
    applicable_product_ids: products,
    applicable_category_ids: categories,
    created_at: now,
    updated_at: now,
  };
  if (c.errors.length === 0) checkWhole(c, discount);
  done(c);
  discount.id = newId(ctx.data, 'discount');
  ctx.store.discounts.set(discount.id, discount);
  return { status: 201, body: { data: view(ctx, discount) } };
}

export async function updateDiscount(ctx: RouteContext) {
  const discount = findDiscount(ctx);
  const c = check(await ctx.json(), FIELDS);
  requireSome(c, FIELDS);
  const f = readFields(ctx, c, false, discount);
  if (c.errors.length === 0) checkWhole(c, { ...discount, ...f });
  done(c);
  Object.assign(discount, f, { updated_at: ctx.nowIso() });
  return { body: { data: view(ctx, discount) } };
}

export const getDiscount = (ctx: RouteContext) => ({ body: { data: view(ctx, findDiscount(ctx)) } });

export function deleteDiscount(ctx: RouteContext) {
  const discount = findDiscount(ctx);
  ctx.store.discounts.delete(discount.id);
  return { body: { data: { deleted: true } } };
}

export const DISCOUNT_LIST_STATUSES = ['active', 'inactive', 'expired', 'all'] as const;

/**
 * `status` (documented default `active`): active = switched on and not expired (a code
 * that has not started yet or is used up is still active: `is_usable` tells those apart);
 * inactive = switched off; expired = past `expires_at`.
 */
export function listDiscounts(ctx: RouteContext) {
  gated(ctx);
  const q = readQuery(ctx.url, ['status'], ctx.store.store.timezone);
  const status = enumParam(q, 'status', DISCOUNT_LIST_STATUSES) ?? 'active';
  const found = [...ctx.store.discounts.values()]
    .map((d) => view(ctx, d))
    .filter((d) => status === 'all' || (status === 'expired' ? d.is_expired : status === 'inactive' ? !d.is_active : d.is_active && !d.is_expired))
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
  return { body: paginate(q, found) };
}

/**
 * POST /v1/discounts/validate `{code, order_total}` → `{valid, discount_amount, reason?}`.
 * Whether a code would apply to an order of that total; it uses nothing up. An unknown code
 * is `valid: false` with a reason, not a 404 (our choice: the question was answered).
 */
export async function validateDiscount(ctx: RouteContext) {
  gated(ctx);
  const c = check(await ctx.json(), ['code', 'order_total']);
  const code = text(c, 'code', 64, { required: true });
  const total = money(c, 'order_total', { required: true });
  done(c);
  const record = [...ctx.store.discounts.values()].find((d) => d.code === code!.toUpperCase());
  const refuse = (reason: string) => ({ body: { data: { valid: false, discount_amount: 0, reason } } });
  if (!record) return refuse('Discount code not found');
  const d = view(ctx, record);
  if (!d.is_active) return refuse('Discount code is inactive');
  if (d.is_expired) return refuse('Discount code has expired');
  if (d.starts_at !== null && Date.parse(d.starts_at) > ctx.nowMs()) return refuse('Discount code is not active yet');
  if (d.max_uses !== null && d.current_uses >= d.max_uses) return refuse('Discount code has reached its usage limit');
  if (d.min_order_amount !== null && total! < d.min_order_amount) return refuse(`Order total must be at least ${d.min_order_amount}`);
  const cents = toCents(total!);
  const off = d.type === 'percentage' ? Math.round((cents * d.value) / 100) : Math.min(cents, toCents(d.value));
  return { body: { data: { valid: true, discount_amount: fromCents(off) } } };
}
