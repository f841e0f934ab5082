/**
 * Every tool, in one flat list. This list is the source for registration, `--read-only`,
 * `--toolsets`, the scopes requested at sign-in, the per-call scope check, and the `tools`
 * command: add a tool here and all of those follow.
 */
import type { ToolRecord } from './define.js';
import { createCategory, listCategories, updateCategory } from './categories.js';
import { getCustomer, listCustomers } from './customers.js';
import { adjustInventory, getInventory } from './inventory.js';
import { getOrder, getSalesSummary, listOrders, updateOrderStatus } from './orders.js';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.js';
import { getStore } from './store.js';

export const ALL_TOOLS: readonly ToolRecord[] = Object.freeze([
  // store: what the sign-in chose; the currency every amount is in
  getStore,
  // products: the catalogue (stock is in inventory)
  listProducts,
  getProduct,
  createProduct,
  updateProduct,
  deleteProduct,
  // categories
  listCategories,
  createCategory,
  updateCategory,
  // inventory: a signed delta with a reason, optionally compare-and-set
  getInventory,
  adjustInventory,
  // customers: read-only (personal data)
  listCustomers,
  getCustomer,
  // orders: reads, status moves, and a client-side sales aggregate (no payments, no refunds)
  listOrders,
  getOrder,
  getSalesSummary,
  updateOrderStatus,
]);
