/**
 * API v1 shapes, as CONTRACT §4 documents them. Money is a number in the store currency's
 * major unit (V5); times are ISO 8601 strings, kept as text; ids are opaque strings
 * (12-digit numbers, UUIDs for variants, `str_…`, `disc_…`). Answers are `type` aliases
 * with the fields the tools read; every other documented field passes through untouched
 * (the tools' output schemas are loose objects).
 *
 * @see ../../../shared/spec/CONTRACT.md §4
 */

/** The product list's `status` filter (CONTRACT §4 products: default `active` on the API). */
export const PRODUCT_STATUSES = ['active', 'inactive', 'all'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const STOCK_STATUSES = ['in_stock', 'low_stock', 'out_of_stock'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export const PRODUCT_SORTS = ['name', 'price', 'stock_quantity', 'created_at', 'updated_at'] as const;
export const ORDER_SORTS = ['order_number', 'total', 'created_at', 'updated_at', 'customer_name'] as const;
export const CUSTOMER_SORTS = ['name', 'created_at', 'updated_at', 'orders_count', 'total_spent', 'last_order_at'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const ORDER_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const DISCOUNT_STATUSES = ['active', 'inactive', 'expired', 'all'] as const;
export const DISCOUNT_TYPES = ['percentage', 'fixed_amount'] as const;

export const MAX_PER_PAGE = 100;

export type Store = {
  id: string;
  name: string;
  currency: string;
  country_code?: string | null;
  timezone?: string | null;
  storefront_url?: string | null;
  [field: string]: unknown;
};

export type Variant = {
  id?: string;
  variant_id?: string;
  sku?: string | null;
  stock_quantity?: number | null;
  [field: string]: unknown;
};

export type Product = {
  id: string;
  name: string;
  price: number;
  compare_price?: number | null;
  is_active: boolean;
  is_featured?: boolean;
  sku?: string | null;
  stock_quantity?: number | null;
  category_id?: string | null;
  variants?: Variant[];
  [field: string]: unknown;
};

export type Category = {
  id: string;
  name: string;
  slug?: string;
  is_active?: boolean;
  [field: string]: unknown;
};

export type VariantInventory = {
  variant_id: string;
  variant_type?: string | null;
  variant_value?: string | null;
  sku?: string | null;
  stock_quantity: number;
  [field: string]: unknown;
};

export type Inventory = {
  product_id: string;
  sku?: string | null;
  stock_quantity: number;
  track_inventory?: boolean;
  low_stock_threshold?: number | null;
  variants?: VariantInventory[];
  [field: string]: unknown;
};

export type Customer = {
  id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  orders_count?: number;
  total_spent?: number;
  [field: string]: unknown;
};

export type OrderItem = {
  id?: string;
  product_id: string | null;
  variant_id?: string | null;
  product_name: string;
  variant_name?: string | null;
  quantity: number;
  unit_price: number;
  total_price: number;
  [field: string]: unknown;
};

export type Order = {
  id: string;
  order_number: number;
  status: OrderStatus;
  payment_status: PaymentStatus;
  currency?: string | null;
  customer_id?: string | null;
  customer_name?: string | null;
  subtotal?: number;
  shipping_cost?: number;
  total: number;
  created_at: string;
  items?: OrderItem[];
  [field: string]: unknown;
};

export type Discount = {
  id: string;
  code: string;
  type: string;
  value: number;
  is_active?: boolean;
  [field: string]: unknown;
};

export type DiscountCheck = {
  valid: boolean;
  discount_amount?: number | null;
  reason?: string | null;
  [field: string]: unknown;
};

/** A delete's answer: `{"data":{"deleted":true}}`, no id (CONTRACT §4 products). */
export type Deleted = { deleted: boolean; [field: string]: unknown };

/** A count's answer: `{"data":{"count":N}}` (CONTRACT V2, shape inferred). */
export type Count = { count: number };

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

/** Query names exactly as API v1 spells them (`price[gte]` and all). */
export interface ProductQuery extends PageQuery {
  search?: string;
  status?: ProductStatus;
  /** One id or several, comma-separated. */
  category_id?: string;
  is_featured?: boolean;
  'price[gte]'?: number;
  'price[lte]'?: number;
  stock_status?: StockStatus;
  sort?: (typeof PRODUCT_SORTS)[number];
  order?: SortOrder;
}

export interface OrderQuery extends PageQuery {
  /** One status or several, comma-separated. */
  status?: string;
  payment_status?: PaymentStatus | 'all';
  search?: string;
  customer_id?: string;
  date_from?: string;
  date_to?: string;
  'total[gte]'?: number;
  'total[lte]'?: number;
  sort?: (typeof ORDER_SORTS)[number];
  order?: SortOrder;
}

export interface CustomerQuery extends PageQuery {
  search?: string;
  has_orders?: boolean;
  'total_spent[gte]'?: number;
  'total_spent[lte]'?: number;
  'orders_count[gte]'?: number;
  'orders_count[lte]'?: number;
  sort?: (typeof CUSTOMER_SORTS)[number];
  order?: SortOrder;
}

export interface DiscountQuery extends PageQuery {
  status?: (typeof DISCOUNT_STATUSES)[number];
}

export interface CountQuery {
  status?: string;
}

/** The writable product fields as API v1 names them. */
export interface ProductFields {
  name?: string;
  price?: number;
  sku?: string | null;
  description?: string | null;
  is_active?: boolean;
  is_featured?: boolean;
  category_id?: string | null;
  compare_price?: number | null;
}

export interface NewProduct extends ProductFields {
  name: string;
  price: number;
}

export interface CategoryFields {
  name?: string;
  is_active?: boolean;
}

export interface NewCategory extends CategoryFields {
  name: string;
}

export interface CustomerFields {
  name?: string;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
}

export interface NewCustomer extends CustomerFields {
  name: string;
}

export interface DiscountFields {
  code?: string;
  type?: (typeof DISCOUNT_TYPES)[number];
  value?: number;
  min_order_amount?: number | null;
  max_uses?: number | null;
  starts_at?: string | null;
  expires_at?: string | null;
  is_active?: boolean;
  applicable_product_ids?: string[];
  applicable_category_ids?: string[];
}

export interface NewDiscount extends DiscountFields {
  code: string;
  type: (typeof DISCOUNT_TYPES)[number];
  value: number;
}

/** PATCH /inventory/products/{id}: a signed delta (never zero) and a non-empty reason. */
export interface StockChange {
  quantity: number;
  reason: string;
}

/** CONTRACT V3: the nested error body, as read (every part optional: a proxy may send none). */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  /** VALIDATION_ERROR: the refused fields. */
  fieldErrors?: { field: string; message: string }[];
  /** FEATURE_ACCESS_DENIED: the feature the plan lacks. */
  feature?: string;
  /** A scope named by a 403, when the API names one. */
  requiredScope?: string;
  requestId?: string;
}
