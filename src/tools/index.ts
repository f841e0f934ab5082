/**
 * Every tool, in one flat list. This list is the source for registration, `--read-only`,
 * `--toolsets`, the scopes requested at sign-in, the per-call scope check, and the `tools`
 * command: add a tool here and all of those follow.
 */
import { ALL_SCOPES, isReadScope, type Scope } from '../scopes.js';
import { WhataloError } from '../errors.js';
import { TOOLSETS, type ToolRecord, type Toolset } from './define.js';
import { createCategory, listCategories, updateCategory } from './categories.js';
import { getCustomer, listCustomers } from './customers.js';
import { adjustInventory, getInventory } from './inventory.js';
import { getOrder, getSalesSummary, listOrders, updateOrderStatus } from './orders.js';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.js';
import { getStore } from './store.js';

export { TOOLSETS, type ToolRecord, type Toolset } from './define.js';

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

export interface ToolSelection {
  readOnly?: boolean;
  /** Toolset names; undefined = all. Unknown names are a CONFIG_INVALID error naming the valid ones. */
  toolsets?: readonly string[] | undefined;
}

/** True for tools that only read: `readOnlyHint` is the one source of truth for read-only mode. */
export function isReadOnly(tool: ToolRecord): boolean {
  return tool.annotations.readOnlyHint;
}

/** The enabled tools for `--read-only` and `--toolsets`, in list order. */
export function selectTools(selection: ToolSelection = {}, tools: readonly ToolRecord[] = ALL_TOOLS): ToolRecord[] {
  const wanted = selection.toolsets;
  if (wanted !== undefined) {
    const unknown = wanted.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
    if (unknown.length > 0) {
      throw new WhataloError('CONFIG_INVALID', `unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; valid toolsets are ${TOOLSETS.join(', ')}`);
    }
  }
  return tools.filter((tool) => (!selection.readOnly || isReadOnly(tool)) && (wanted === undefined || wanted.includes(tool.toolset as Toolset)));
}

/** Every scope the tools may need, in catalog order. */
export function requiredScopes(tools: readonly ToolRecord[]): Scope[] {
  const needed = new Set(tools.map((t) => t.scope));
  return ALL_SCOPES.filter((s) => needed.has(s));
}

/**
 * What sign-in asks for first: the read scopes of the enabled tools. Least privilege
 * (CONTRACT B3): a write scope is asked for by step-up the first time a write tool runs.
 */
export function initialScopes(tools: readonly ToolRecord[]): Scope[] {
  return requiredScopes(tools).filter(isReadScope);
}
