/**
 * Every tool, in one flat list. This list is the source for registration, `--read-only`,
 * `--toolsets`, the scopes requested at sign-in, the per-call scope check, and the `tools`
 * command: add a tool here and all of those follow. Names are fixed by issue 30's table.
 */
import type { ToolRecord } from './define.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from './categories.js';
import { countCustomers, createCustomer, getCustomer, listCustomers, updateCustomer } from './customers.js';
import { createDiscount, deleteDiscount, getDiscount, listDiscounts, updateDiscount, validateDiscount } from './discounts.js';
import { adjustInventory, getInventory } from './inventory.js';
import { countOrders, getOrder, getSalesSummary, listOrders, updateOrderStatus, updatePaymentStatus } from './orders.js';
import { countProducts, createProduct, deactivateProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.js';
import { getStore } from './store.js';

export const ALL_TOOLS: readonly ToolRecord[] = Object.freeze([
  // store: what the sign-in chose; the currency and time zone of every amount and date
  getStore,
  // products: the catalogue (stock is in inventory); hidden products are listed too
  listProducts,
  getProduct,
  countProducts,
  createProduct,
  updateProduct,
  deactivateProduct,
  deleteProduct,
  // inventory: a product's stock and its variants'; a signed delta with a reason, never resent
  getInventory,
  adjustInventory,
  // categories: under the products scopes (CONTRACT AC2)
  listCategories,
  getCategory,
  createCategory,
  updateCategory,
  deleteCategory,
  // orders: reads, status and payment status moves, and a client-side sales aggregate (no payments move)
  listOrders,
  getOrder,
  countOrders,
  updateOrderStatus,
  updatePaymentStatus,
  getSalesSummary,
  // customers: personal data
  listCustomers,
  getCustomer,
  countCustomers,
  createCustomer,
  updateCustomer,
  // discounts: codes for promotions
  listDiscounts,
  getDiscount,
  createDiscount,
  updateDiscount,
  deleteDiscount,
  validateDiscount,
]);
