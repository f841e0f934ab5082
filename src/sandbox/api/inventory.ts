/**
 * API v1: inventory, at `/v1/inventory/products/{productId}` (CONTRACT §4 inventory row; the
 * SDK page's `/products/{id}/inventory` loses to the reference). A PATCH is a relative change,
 * `{quantity: signed non-zero delta, reason: non-empty}`, and answers the inventory object.
 */
import type { ProductRecord } from '../data.js';
import { findProduct } from './products.js';
import { param, requireFeature, type RouteContext } from './route.js';
import { check, done, integer, reject, text } from './validate.js';

const MAX_STOCK = 1_000_000_000;

/** The inventory object, field for field as the reference shows it. */
export function inventoryView(p: ProductRecord) {
  return {
    product_id: p.id,
    sku: p.sku,
    stock_quantity: p.stock_quantity,
    track_inventory: p.track_inventory,
    low_stock_threshold: p.low_stock_threshold,
    continue_selling_when_out_of_stock: p.continue_selling,
    variants: p.variants.map((v) => ({
      variant_id: v.id,
      variant_type: v.variant_type,
      variant_value: v.variant_value,
      sku: v.sku,
      stock_quantity: v.stock_quantity,
      track_inventory: v.track_inventory,
      low_stock_threshold: v.low_stock_threshold,
      continue_selling_when_out_of_stock: v.continue_selling_when_out_of_stock,
    })),
  };
}

const productOf = (ctx: RouteContext) => findProduct(ctx.store, param(ctx, 'productId'));

export const getInventory = (ctx: RouteContext) => ({ body: { data: inventoryView(productOf(ctx)) } });

export async function adjustInventory(ctx: RouteContext) {
  const product = productOf(ctx);
  requireFeature(ctx, 'inventory');
  const c = check(await ctx.json(), ['quantity', 'reason']);
  const quantity = integer(c, 'quantity', { min: -MAX_STOCK, max: MAX_STOCK, nonZero: true }, { required: true });
  text(c, 'reason', 500, { required: true });
  done(c);
  const next = product.stock_quantity + quantity!;
  // Stock cannot go below zero (our choice: Whatalo's page does not say; a sale past zero
  // is what continue_selling is for, not an adjustment).
  if (next < 0) reject(c, 'quantity', `would leave ${next} in stock; only ${product.stock_quantity} available`);
  if (next > MAX_STOCK) reject(c, 'quantity', `would leave more than ${MAX_STOCK} in stock`);
  done(c);
  product.stock_quantity = next;
  product.updated_at = ctx.nowIso();
  return { body: { data: inventoryView(product) } };
}
