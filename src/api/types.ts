/**
 * API v1 shapes, as the client reads and writes them. Money is a number in the store's
 * currency; times are ISO 8601 strings, kept as text (never re-parsed on the way through).
 * Answers are `type` aliases, not interfaces, so they fit the tools' loose output schemas
 * (which accept extra fields a real answer may carry).
 *
 * @see ../../docs/design.md "API v1"; CONTRACT V2, V4
 */

export const PRODUCT_STATUSES = ['active', 'draft', 'archived'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const ORDER_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const MAX_PER_PAGE = 100;

export type Store = {
  id: string;
  name: string;
  currency: string;
  country: string;
  timezone: string;
  url: string;
  created_at: string;
};

export type Product = {
  id: string;
  name: string;
  description: string | null;
  sku: string | null;
  price: number;
  compare_at_price: number | null;
  currency: string;
  status: ProductStatus;
  category_id: string | null;
  created_at: string;
  updated_at: string;
};

export type Category = {
  id: string;
  name: string;
  description: string | null;
  product_count: number;
  created_at: string;
};

export type Inventory = {
  product_id: string;
  sku: string | null;
  quantity: number;
  updated_at: string;
};

export type InventoryAdjustment = Inventory & { previous_quantity: number };

export type Customer = {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  orders_count: number;
  total_spent: number;
  currency: string;
  created_at: string;
};

export type OrderItem = {
  product_id: string;
  name: string;
  quantity: number;
  unit_price: number;
  total: number;
};

export type Order = {
  id: string;
  number: number;
  customer_id: string;
  customer_name: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  currency: string;
  items: OrderItem[];
  subtotal: number;
  shipping: number;
  total: number;
  created_at: string;
  updated_at: string;
};

export type Deleted = {
  id: string;
  deleted: true;
};

/** CONTRACT V2: every list answers one page of `data` and where it sits in the whole. */
export interface Pagination {
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

export interface Page<T> {
  data: T[];
  pagination: Pagination;
}

export interface PageQuery {
  page?: number;
  per_page?: number;
}

export interface ProductQuery extends PageQuery {
  status?: ProductStatus;
  category_id?: string;
  q?: string;
}

export interface CustomerQuery extends PageQuery {
  q?: string;
}

export interface OrderQuery extends PageQuery {
  status?: OrderStatus;
  payment_status?: PaymentStatus;
  customer_id?: string;
  /** ISO 8601, inclusive. */
  created_after?: string;
  /** ISO 8601, exclusive. */
  created_before?: string;
}

export interface ProductFields {
  name?: string;
  price?: number;
  sku?: string | null;
  description?: string | null;
  status?: ProductStatus;
  category_id?: string | null;
  compare_at_price?: number | null;
}

export interface NewProduct extends ProductFields {
  name: string;
  price: number;
}

export interface CategoryFields {
  name?: string;
  description?: string | null;
}

export interface NewCategory extends CategoryFields {
  name: string;
}

export interface AdjustmentRequest {
  /** Signed, never zero (CONTRACT V5). */
  quantity: number;
  reason: string;
  /** Compare-and-set: refused with 409 `quantity_conflict` when stock is not this. */
  expected_quantity?: number;
}

/** CONTRACT V6: the body of every error answer. */
export interface ApiErrorBody {
  statusCode?: number;
  code?: string;
  requestId?: string;
  message?: string;
  requiredScope?: string;
  resourceType?: string;
  resourceId?: string;
  fieldErrors?: { field: string; message: string }[];
  retryAfter?: number;
  currentQuantity?: number;
  expectedQuantity?: number;
}
