/**
 * The sandbox's seed data and in-memory store, in Whatalo's API v1 shapes (CONTRACT §4):
 * one merchant with three stores (MXN, DOP, COP), each with a catalog (variants, hidden,
 * featured, low-stock and sold-out products), categories, customers, discount codes and
 * orders with their items.
 *
 * Everything is derived from one seeded PRNG and a fixed epoch, never from Date.now() or
 * Math.random(): the same build always shows the same stores, so tests, demos and bug
 * reports agree on ids and numbers. Records are plain data; every figure Whatalo derives
 * (a customer's orders_count and total_spent, an order's is_pending, a discount's
 * is_expired, …) is computed on read by the view functions below, so that writes through
 * API v1 can never leave them stale.
 *
 * @see ../../../shared/spec/CONTRACT.md §4 (V5 for the id shapes and money)
 */
import { CO, DO, MX, type StoreSeed } from './api/seed-stores.js';

export const ORDER_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const DISCOUNT_TYPES = ['percentage', 'fixed_amount'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];

/**
 * Order status moves (CONTRACT §4, a C row: the guide's diagram is ambiguous, the API
 * answers 422 to any other move): pending → confirmed → in_progress → completed → returned,
 * and pending, confirmed or in_progress → cancelled.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['returned'],
  cancelled: [],
  returned: [],
};

/**
 * Plan features a store may lack; a request that needs one answers 403 FEATURE_ACCESS_DENIED
 * with `details: {feature}` (CONTRACT V3). 'inventory' is the feature Whatalo's reference
 * names ("Control de Inventario"); 'discounts' is ours, so a client can be tested against a
 * whole resource behind the plan gate.
 */
export type Feature = 'inventory' | 'discounts';
export const FEATURE_NAMES: Readonly<Record<Feature, string>> = { inventory: 'Control de Inventario', discounts: 'Cupones de descuento' };
/** What each plan lacks. */
export const PLANS: Readonly<Record<string, readonly Feature[]>> = { Pro: [], Emprendedor: ['inventory', 'discounts'] };

/** The seed's "now": all seeded times lie before it. */
export const SEED_EPOCH_MS = Date.UTC(2026, 9, 1, 0, 0, 0);
const SEED = 0x5eed_2026;

export interface Merchant {
  /** `usr_` + 16 hex, as introspection's `sub` (CONTRACT A11). */
  id: string;
  name: string;
  email: string;
}

/** GET /v1/store, field for field. */
export interface Store {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  currency: string;
  country_code: string;
  status: 'active';
  maintenance_mode: boolean;
  store_title: string;
  custom_domain: string | null;
  domain_verified: boolean;
  has_custom_domain: boolean;
  is_active: boolean;
  storefront_url: string;
  plan_name: string;
  timezone: string;
  created_at: string;
  updated_at: string;
}

/**
 * A product variant. Whatalo documents a variant's fields only in the inventory object
 * (`variant_id`, …); the product's `variants[]` shows the same record with `id` and `price`
 * (our choice: a variant without a price of its own sells at the product's, `price: null`).
 */
export interface Variant {
  id: string;
  variant_type: string;
  variant_value: string;
  sku: string | null;
  price: number | null;
  stock_quantity: number;
  track_inventory: boolean;
  low_stock_threshold: number;
  continue_selling_when_out_of_stock: boolean;
}

/** A product as stored; `is_purchasable`, `has_discount` and `discount_percentage` are derived on read. */
export interface ProductRecord {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  price: number;
  compare_price: number | null;
  main_image: string | null;
  gallery: string[];
  is_active: boolean;
  is_featured: boolean;
  sku: string | null;
  track_inventory: boolean;
  stock_quantity: number;
  low_stock_threshold: number;
  continue_selling: boolean;
  supplier_cost: number | null;
  wholesale_price: number | null;
  wholesale_min_quantity: number | null;
  condition: 'new' | 'used' | 'refurbished';
  invoice_available: boolean;
  fast_shipping: boolean;
  warranty_months: number | null;
  category_id: string | null;
  variants: Variant[];
  created_at: string;
  updated_at: string;
}

export interface Product extends ProductRecord {
  is_purchasable: boolean;
  has_discount: boolean;
  discount_percentage: number;
}

export interface Category {
  id: string;
  name: string;
  slug: string;
  is_active: boolean;
  created_at: string;
}

export interface CustomerRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface Customer extends CustomerRecord {
  has_email: boolean;
  has_phone: boolean;
  display_contact: string | null;
  orders_count: number;
  total_spent: number;
  last_order_at: string | null;
  last_order_id: string | null;
}

export interface OrderItem {
  id: string;
  product_id: string | null;
  variant_id: string | null;
  product_name: string;
  variant_name: string | null;
  quantity: number;
  unit_price: number;
  total_price: number;
  created_at: string;
}

export interface ShippingAddress {
  name: string;
  phone: string | null;
  address: string;
  city: string;
  province: string;
  country: string;
  postal_code: string | null;
  notes: string | null;
}

/** An order as stored; the `is_*` flags and `item_count` are derived on read. */
export interface OrderRecord {
  id: string;
  order_number: number;
  status: OrderStatus;
  payment_status: PaymentStatus;
  payment_method: string;
  shipping_method: string;
  currency: string;
  customer_id: string | null;
  customer_name: string;
  customer_phone: string | null;
  customer_email: string | null;
  subtotal: number;
  discount_amount: number;
  shipping_cost: number;
  tax_amount: number;
  total: number;
  customer_notes: string | null;
  internal_notes: string | null;
  shipping_address: ShippingAddress | null;
  country_code: string;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  items: OrderItem[];
}

export interface Order extends OrderRecord {
  is_pending: boolean;
  is_completed: boolean;
  is_cancellable: boolean;
  item_count: number;
  is_fully_paid: boolean;
}

export interface DiscountRecord {
  id: string;
  code: string;
  type: DiscountType;
  value: number;
  min_order_amount: number | null;
  max_uses: number | null;
  current_uses: number;
  starts_at: string | null;
  expires_at: string | null;
  is_active: boolean;
  applies_to_all: boolean;
  applicable_product_ids: string[];
  applicable_category_ids: string[];
  created_at: string;
  updated_at: string;
}

export interface Discount extends DiscountRecord {
  is_expired: boolean;
  is_usable: boolean;
  has_usage_limit: boolean;
}

/** One store's mutable collections; Map order is insertion order, never relied on for lists. */
export interface StoreData {
  store: Store;
  /** Plan features this store lacks (PLANS[plan_name]). */
  lacks: readonly Feature[];
  products: Map<string, ProductRecord>;
  categories: Map<string, Category>;
  customers: Map<string, CustomerRecord>;
  orders: Map<string, OrderRecord>;
  discounts: Map<string, DiscountRecord>;
}

export interface SandboxData {
  merchant: Merchant;
  stores: Store[];
  /** Per store id. */
  byStore: Map<string, StoreData>;
  /** PRNG state for ids minted after seeding (plain data so two seeds compare deep-equal). */
  idState: number;
  usedIds: Set<string>;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns the next state and a float in [0, 1). */
function mulberry32(state: number): [number, number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [next, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

function createRng(seed: number): Rng & { state(): number } {
  let state = seed >>> 0;
  const next = () => {
    const [s, value] = mulberry32(state);
    state = s;
    return value;
  };
  return {
    next,
    state: () => state,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** The id shapes of CONTRACT V5: 12-digit numbers, UUIDs for variants, `str_`, `disc_`, `usr_`. */
export type IdKind = 'number' | 'uuid' | 'store' | 'discount' | 'user';

const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

function chars(rng: Rng, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(rng.next() * alphabet.length)];
  return out;
}

function drawId(rng: Rng, kind: IdKind): string {
  switch (kind) {
    // A leading non-zero digit, so the id keeps its 12 digits wherever it is read as a number.
    case 'number':
      return String(1 + Math.floor(rng.next() * 9)) + chars(rng, '0123456789', 11);
    case 'uuid': {
      // RFC 9562 version 4 layout (version nibble 4, variant bits 10).
      const h = chars(rng, HEX, 30);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${'89ab'[Math.floor(rng.next() * 4)]}${h.slice(15, 18)}-${h.slice(18, 30)}`;
    }
    case 'store':
      return `str_${chars(rng, ALNUM, 8)}`;
    case 'discount':
      return `disc_${chars(rng, ALNUM, 12)}`;
    case 'user':
      return `usr_${chars(rng, HEX, 16)}`;
  }
}

function mintId(rng: Rng, used: Set<string>, kind: IdKind): string {
  for (;;) {
    const id = drawId(rng, kind);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** A new, never-used id for a record created through API v1 (deterministic per run). */
export function newId(data: SandboxData, kind: IdKind): string {
  const rng = createRng(data.idState);
  const id = mintId(rng, data.usedIds, kind);
  data.idState = rng.state();
  return id;
}

/** Money is kept in cents while computing so that sums are exact; shown in the major unit. */
export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** A URL-safe slug: "Café de Olla 500 g" → "cafe-de-olla-500-g". */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug === '' ? 'item' : slug;
}

/** `slugify(text)`, with -2, -3, … when `taken` already has it. */
export function uniqueSlug(text: string, taken: Iterable<{ slug: string }>): string {
  const slugs = new Set([...taken].map((t) => t.slug));
  const base = slugify(text);
  let slug = base;
  for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

const DAY_MS = 86_400_000;
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
/** A time `daysAgo` days (plus a random part of a day) before the seed epoch. */
function before(rng: Rng, daysAgo: number): number {
  return SEED_EPOCH_MS - daysAgo * DAY_MS - rng.int(0, DAY_MS / 1000 - 1) * 1000;
}

const LOREM = [
  'Producción artesanal en lotes pequeños.',
  'Ideal para regalar.',
  'Directo del productor.',
  'Receta tradicional de la región.',
  'Envase reciclable.',
];
const STREETS = ['Calle Hidalgo', 'Av. Independencia', 'Calle Duarte', 'Carrera 14', 'Calle del Sol', 'Av. Central', 'Calle 5 de Mayo', 'Calle Las Flores'];
const PAYMENT_METHODS = ['cash_on_delivery', 'bank_transfer', 'card'] as const;

function asciiSlug(text: string): string {
  return slugify(text).replaceAll('-', '');
}

function seedPrice(rng: Rng, seed: StoreSeed, [min, max]: readonly [number, number]): number {
  const cents = toCents(min + rng.next() * (max - min));
  return fromCents(Math.max(seed.moneyStep, Math.round(cents / seed.moneyStep) * seed.moneyStep));
}

function seedStore(rng: Rng, used: Set<string>, seed: StoreSeed): StoreData {
  const createdMs = before(rng, seed.ageDays);
  const store: Store = {
    id: mintId(rng, used, 'store'),
    name: seed.name,
    slug: seed.slug,
    description: seed.description,
    currency: seed.currency,
    country_code: seed.countryCode,
    status: 'active',
    maintenance_mode: false,
    store_title: `${seed.name} | Tienda en línea`,
    custom_domain: seed.customDomain,
    domain_verified: seed.customDomain !== null,
    has_custom_domain: seed.customDomain !== null,
    is_active: true,
    storefront_url: seed.customDomain ? `https://${seed.customDomain}` : `https://${seed.slug}.whatalo.shop`,
    plan_name: seed.plan,
    timezone: seed.timezone,
    created_at: iso(createdMs),
    updated_at: iso(before(rng, 10)),
  };
  const data: StoreData = {
    store,
    lacks: PLANS[seed.plan] ?? [],
    products: new Map(),
    categories: new Map(),
    customers: new Map(),
    orders: new Map(),
    discounts: new Map(),
  };

  const categoryIds: string[] = [];
  for (const [i, entry] of seed.catalog.entries()) {
    const id = mintId(rng, used, 'number');
    categoryIds.push(id);
    // The last category of a store is switched off, as merchants do with a season's shelf.
    const is_active = i !== seed.catalog.length - 1 || seed.catalog.length < 4;
    data.categories.set(id, { id, name: entry.category, slug: slugify(entry.category), is_active, created_at: iso(before(rng, seed.ageDays - 5 - i)) });
  }

  let skuNumber = 1;
  for (const [c, entry] of seed.catalog.entries()) {
    for (const [i, name] of entry.items.entries()) {
      const id = mintId(rng, used, 'number');
      const createdMs = before(rng, rng.int(20, Math.min(360, seed.ageDays - 10)));
      const updatedMs = Math.min(SEED_EPOCH_MS - 1000, createdMs + rng.int(0, 30) * DAY_MS);
      const price = seedPrice(rng, seed, entry.priceRange);
      const threshold = rng.pick([5, 10]);
      // Fixed positions so every filter has hits in every store: index 3 is hidden, 4 sold
      // out, 5 low on stock, 0 and 2 featured; the rest is in stock.
      const stock = i === 4 ? 0 : i === 5 ? rng.int(1, threshold) : rng.int(threshold + 1, 240);
      const sku = `${seed.skuPrefix}-${entry.code}-${String(skuNumber++).padStart(4, '0')}`;
      const variants: Variant[] = [];
      if (entry.variants && i % 3 === 1) {
        const [type, values] = entry.variants;
        for (const [v, value] of values.entries()) {
          variants.push({
            id: mintId(rng, used, 'uuid'),
            variant_type: type,
            variant_value: value,
            sku: `${sku}-${v + 1}`,
            price: v === 0 ? null : fromCents(toCents(price) + seed.moneyStep * 2 * v),
            stock_quantity: v === values.length - 1 ? rng.int(1, 4) : rng.int(8, 80),
            track_inventory: true,
            low_stock_threshold: 5,
            continue_selling_when_out_of_stock: false,
          });
        }
      }
      const onSale = i === 1 || rng.next() < 0.15;
      const track = !entry.madeToOrder;
      data.products.set(id, {
        id,
        name,
        slug: slugify(name),
        description: rng.next() < 0.15 ? null : `${name}. ${rng.pick(LOREM)}`,
        price,
        compare_price: onSale ? fromCents(Math.round((toCents(price) * 1.25) / seed.moneyStep) * seed.moneyStep) : null,
        main_image: `https://cdn.whatalo.example/${store.slug}/${slugify(name)}.jpg`,
        gallery: i % 2 === 0 ? [`https://cdn.whatalo.example/${store.slug}/${slugify(name)}-2.jpg`] : [],
        is_active: i !== 3 && !(i === 7 && c % 2 === 0),
        is_featured: i === 0 || i === 2,
        sku,
        track_inventory: track,
        stock_quantity: stock,
        low_stock_threshold: threshold,
        continue_selling: !track,
        supplier_cost: fromCents(Math.round(toCents(price) * 0.55)),
        wholesale_price: i % 4 === 0 ? fromCents(Math.round(toCents(price) * 0.85)) : null,
        wholesale_min_quantity: i % 4 === 0 ? 12 : null,
        condition: 'new',
        invoice_available: seed.countryCode !== 'DO' || i % 2 === 0,
        fast_shipping: i % 3 === 0,
        warranty_months: entry.madeToOrder ? 6 : null,
        // A few products were never filed under a category, as in real stores.
        category_id: i === entry.items.length - 1 && c % 2 === 0 ? null : categoryIds[c]!,
        variants,
        created_at: iso(createdMs),
        updated_at: iso(updatedMs),
      });
    }
  }

  const emails = new Set<string>();
  for (let i = 0; i < seed.customers; i++) {
    const id = mintId(rng, used, 'number');
    const first = rng.pick(seed.firstNames);
    const last = rng.pick(seed.lastNames);
    let email: string | null = `${asciiSlug(first)}.${asciiSlug(last)}@${seed.emailDomain}`;
    for (let n = 2; emails.has(email); n++) email = `${asciiSlug(first)}.${asciiSlug(last)}${n}@${seed.emailDomain}`;
    emails.add(email);
    // WhatsApp shops: some customers left only a phone, a few only an email.
    const phone = i % 9 === 4 ? null : `${seed.phonePrefix} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;
    if (i % 7 === 3) email = null;
    const createdMs = before(rng, rng.int(seed.orderDays + 5, seed.ageDays - 1));
    data.customers.set(id, {
      id,
      name: `${first} ${last}`,
      email,
      phone,
      notes: i % 11 === 0 ? 'Prefiere entrega por la tarde.' : null,
      created_at: iso(createdMs),
      updated_at: iso(createdMs + rng.int(0, 20) * DAY_MS),
    });
  }

  seedOrders(rng, used, seed, data);
  seedDiscounts(rng, used, seed, data);
  return data;
}

/** Status and payment pairs that happen in a real shop, weighted by how often. */
const ORDER_OUTCOMES: readonly (readonly [OrderStatus, PaymentStatus, number])[] = [
  ['pending', 'pending', 6],
  ['pending', 'failed', 2],
  ['confirmed', 'paid', 5],
  ['confirmed', 'pending', 2], // cash on delivery
  ['in_progress', 'paid', 5],
  ['in_progress', 'pending', 1],
  ['completed', 'paid', 36],
  ['cancelled', 'pending', 3],
  ['cancelled', 'failed', 2],
  ['cancelled', 'refunded', 2],
  ['returned', 'refunded', 3],
];
const OUTCOME_WEIGHT = ORDER_OUTCOMES.reduce((sum, o) => sum + o[2], 0);

function pickOutcome(rng: Rng, index: number): readonly [OrderStatus, PaymentStatus, number] {
  // The first orders walk through every pair once, so each status and payment status is present.
  if (index < ORDER_OUTCOMES.length) return ORDER_OUTCOMES[index]!;
  let roll = rng.next() * OUTCOME_WEIGHT;
  for (const outcome of ORDER_OUTCOMES) {
    roll -= outcome[2];
    if (roll < 0) return outcome;
  }
  return ORDER_OUTCOMES[0]!;
}

function seedOrders(rng: Rng, used: Set<string>, seed: StoreSeed, data: StoreData): void {
  const sellable = [...data.products.values()];
  const customers = [...data.customers.values()];
  const drafts: Omit<OrderRecord, 'order_number'>[] = [];
  for (let i = 0; i < seed.orders; i++) {
    const [status, payment_status] = pickOutcome(rng, i);
    // One order in twenty is a guest checkout with no customer record.
    const customer = i % 20 === 19 ? null : rng.pick(customers);
    const guestName = `${rng.pick(seed.firstNames)} ${rng.pick(seed.lastNames)}`;
    // Open orders are recent; finished ones spread over the months before.
    const open = status === 'pending' || status === 'confirmed' || status === 'in_progress';
    const ageDays = open ? rng.int(0, 6) : rng.int(3, seed.orderDays);
    const createdMs = customer ? Math.max(Date.parse(customer.created_at) + DAY_MS, before(rng, ageDays)) : before(rng, ageDays);
    const updatedMs = status === 'pending' ? createdMs : Math.min(SEED_EPOCH_MS - 1000, createdMs + rng.int(1, 72) * 3_600_000);
    const lines = rng.int(1, 4);
    const chosen = new Set<ProductRecord>();
    while (chosen.size < lines) chosen.add(rng.pick(sellable));
    let subtotalCents = 0;
    const items: OrderItem[] = [...chosen].map((product) => {
      const quantity = rng.int(1, 3);
      const variant = product.variants.length > 0 ? rng.pick(product.variants) : null;
      const unitCents = toCents(variant?.price ?? product.price);
      subtotalCents += unitCents * quantity;
      return {
        id: mintId(rng, used, 'number'),
        product_id: product.id,
        variant_id: variant?.id ?? null,
        product_name: product.name,
        variant_name: variant ? `${variant.variant_type}: ${variant.variant_value}` : null,
        quantity,
        unit_price: fromCents(unitCents),
        total_price: fromCents(unitCents * quantity),
        created_at: iso(createdMs),
      };
    });
    const discountCents = i % 8 === 5 ? Math.round(subtotalCents / 10) : 0;
    const shippingCents = toCents(rng.pick(seed.shipping));
    const pickup = shippingCents === 0 && i % 2 === 0;
    const [city, province] = rng.pick(seed.places);
    const name = customer?.name ?? guestName;
    const phone = customer ? customer.phone : `${seed.phonePrefix} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;
    drafts.push({
      id: mintId(rng, used, 'number'),
      status,
      payment_status,
      payment_method: payment_status === 'pending' && status !== 'pending' ? 'cash_on_delivery' : rng.pick(PAYMENT_METHODS),
      shipping_method: pickup ? 'pickup' : 'delivery',
      currency: seed.currency,
      customer_id: customer?.id ?? null,
      customer_name: name,
      customer_phone: phone,
      customer_email: customer?.email ?? null,
      subtotal: fromCents(subtotalCents),
      discount_amount: fromCents(discountCents),
      shipping_cost: fromCents(shippingCents),
      // Shop prices include tax in these countries, so no tax is added on top.
      tax_amount: 0,
      total: fromCents(subtotalCents - discountCents + shippingCents),
      customer_notes: i % 13 === 0 ? 'Por favor llamar antes de entregar.' : null,
      internal_notes: i % 17 === 0 ? 'Cliente frecuente.' : null,
      shipping_address: pickup
        ? null
        : {
            name,
            phone,
            address: `${rng.pick(STREETS)} ${rng.int(1, 999)}`,
            city,
            province,
            country: seed.country,
            postal_code: seed.countryCode === 'DO' ? null : String(rng.int(10000, 99999)),
            notes: null,
          },
      country_code: seed.countryCode,
      completed_at: status === 'completed' || status === 'returned' ? iso(updatedMs) : null,
      created_at: iso(createdMs),
      updated_at: iso(updatedMs),
      items,
    });
  }
  // Order numbers count up with time, as a shop's numbering does.
  drafts.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  for (const [i, draft] of drafts.entries()) data.orders.set(draft.id, { ...draft, order_number: 1001 + i });
}

function seedDiscounts(rng: Rng, used: Set<string>, seed: StoreSeed, data: StoreData): void {
  // Fixed amounts in the store's own money: free shipping is worth its dearest shipping rate.
  const step = Math.max(...seed.shipping);
  const someProducts = [...data.products.keys()].slice(0, 3);
  const firstCategory = [...data.categories.keys()][0]!;
  const day = (n: number) => iso(SEED_EPOCH_MS + n * DAY_MS);
  // The sandbox's clock is the wall clock, which runs on past the seed epoch: codes meant to
  // stay valid end years later, the expired one ended before the epoch.
  const later = day(3650);
  const rows: Omit<DiscountRecord, 'id' | 'created_at' | 'updated_at'>[] = [
    {
      code: 'BIENVENIDA10',
      type: 'percentage',
      value: 10,
      min_order_amount: null,
      max_uses: null,
      current_uses: 37,
      starts_at: day(-120),
      expires_at: null,
      is_active: true,
      applies_to_all: true,
      applicable_product_ids: [],
      applicable_category_ids: [],
    },
    {
      code: 'ENVIOGRATIS',
      type: 'fixed_amount',
      value: step,
      min_order_amount: step * 10,
      max_uses: 500,
      current_uses: 212,
      starts_at: day(-60),
      expires_at: later,
      is_active: true,
      applies_to_all: true,
      applicable_product_ids: [],
      applicable_category_ids: [],
    },
    {
      code: 'CAFE15',
      type: 'percentage',
      value: 15,
      min_order_amount: null,
      max_uses: null,
      current_uses: 8,
      starts_at: day(-30),
      expires_at: null,
      is_active: true,
      applies_to_all: false,
      applicable_product_ids: [],
      applicable_category_ids: [firstCategory],
    },
    {
      code: 'TRIO20',
      type: 'percentage',
      value: 20,
      min_order_amount: null,
      max_uses: 50,
      current_uses: 50,
      starts_at: day(-45),
      expires_at: later,
      is_active: true,
      applies_to_all: false,
      applicable_product_ids: someProducts,
      applicable_category_ids: [],
    },
    {
      code: 'VERANO25',
      type: 'percentage',
      value: 25,
      min_order_amount: null,
      max_uses: null,
      current_uses: 94,
      starts_at: day(-150),
      expires_at: day(-70),
      is_active: true,
      applies_to_all: true,
      applicable_product_ids: [],
      applicable_category_ids: [],
    },
    {
      code: 'NAVIDAD',
      type: 'fixed_amount',
      value: step * 2,
      min_order_amount: step * 20,
      max_uses: 100,
      current_uses: 0,
      starts_at: day(80),
      expires_at: later,
      is_active: false,
      applies_to_all: true,
      applicable_product_ids: [],
      applicable_category_ids: [],
    },
  ];
  for (const row of rows) {
    const created = iso(before(rng, rng.int(150, 200)));
    const id = mintId(rng, used, 'discount');
    data.discounts.set(id, { id, ...row, created_at: created, updated_at: created });
  }
}

/**
 * The sandbox's world at the seed epoch: one merchant, three stores (MXN, DOP, COP; the COP
 * one on a plan without inventory control and discounts). Deterministic: every call returns
 * deep-equal data.
 */
export function createSeedData(): SandboxData {
  const rng = createRng(SEED);
  const used = new Set<string>();
  const merchant: Merchant = { id: mintId(rng, used, 'user'), name: 'Mariana López Fuentes', email: 'mariana.lopez@example.mx' };
  const stores = [MX, DO, CO].map((seed) => seedStore(rng, used, seed));
  return {
    merchant,
    stores: stores.map((s) => s.store),
    byStore: new Map(stores.map((d) => [d.store.id, d])),
    idState: rng.state(),
    usedIds: used,
  };
}

/** A product as API v1 shows it, with Whatalo's derived fields. */
export function productView(p: ProductRecord): Product {
  const has_discount = p.compare_price !== null && p.compare_price > p.price;
  const discount_percentage = has_discount ? Math.round(((p.compare_price! - p.price) / p.compare_price!) * 10_000) / 100 : 0;
  const inStock = !p.track_inventory || p.continue_selling || p.stock_quantity > 0;
  return { ...p, variants: p.variants.map((v) => ({ ...v })), is_purchasable: p.is_active && inStock, has_discount, discount_percentage };
}

/** Each customer's orders: how many, paid money, the latest. One pass over the orders. */
export interface CustomerTotals {
  orders_count: number;
  spentCents: number;
  last_order_at: string | null;
  last_order_id: string | null;
}

export function customerTotals(data: StoreData): Map<string, CustomerTotals> {
  const totals = new Map<string, CustomerTotals>();
  for (const order of data.orders.values()) {
    if (order.customer_id === null) continue;
    let t = totals.get(order.customer_id);
    if (!t) totals.set(order.customer_id, (t = { orders_count: 0, spentCents: 0, last_order_at: null, last_order_id: null }));
    t.orders_count++;
    // Only paid money was spent: refunded, failed and unpaid orders add nothing.
    if (order.payment_status === 'paid') t.spentCents += toCents(order.total);
    if (t.last_order_at === null || order.created_at > t.last_order_at) {
      t.last_order_at = order.created_at;
      t.last_order_id = order.id;
    }
  }
  return totals;
}

/**
 * A customer as API v1 shows it. `display_contact` is what a merchant would use to reach
 * them: the phone first (these are WhatsApp shops), else the email (our choice).
 */
export function customerView(c: CustomerRecord, totals: CustomerTotals | undefined): Customer {
  return {
    ...c,
    has_email: c.email !== null,
    has_phone: c.phone !== null,
    display_contact: c.phone ?? c.email,
    orders_count: totals?.orders_count ?? 0,
    total_spent: fromCents(totals?.spentCents ?? 0),
    last_order_at: totals?.last_order_at ?? null,
    last_order_id: totals?.last_order_id ?? null,
  };
}

/** An order as API v1 shows it. `item_count` counts units, not lines (our choice). */
export function orderView(o: OrderRecord): Order {
  return {
    ...o,
    shipping_address: o.shipping_address && { ...o.shipping_address },
    items: o.items.map((i) => ({ ...i })),
    is_pending: o.status === 'pending',
    is_completed: o.status === 'completed',
    is_cancellable: ORDER_TRANSITIONS[o.status].includes('cancelled'),
    item_count: o.items.reduce((n, i) => n + i.quantity, 0),
    is_fully_paid: o.payment_status === 'paid',
  };
}

/** A discount as API v1 shows it at `nowMs` (the sandbox clock). */
export function discountView(d: DiscountRecord, nowMs: number): Discount {
  const is_expired = d.expires_at !== null && Date.parse(d.expires_at) <= nowMs;
  const started = d.starts_at === null || Date.parse(d.starts_at) <= nowMs;
  const has_usage_limit = d.max_uses !== null;
  const usesLeft = d.max_uses === null || d.current_uses < d.max_uses;
  return {
    ...d,
    applicable_product_ids: [...d.applicable_product_ids],
    applicable_category_ids: [...d.applicable_category_ids],
    is_expired,
    is_usable: d.is_active && !is_expired && started && usesLeft,
    has_usage_limit,
  };
}
