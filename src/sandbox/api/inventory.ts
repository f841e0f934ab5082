/**
 * API v1: inventory. An adjustment is a signed delta with a reason (CONTRACT V5); an
 * optional `expected_quantity` makes it a compare-and-set, so two agents adjusting the same
 * stock cannot silently overwrite each other's view.
 */
import { apiError } from './errors.js';
import { findProduct } from './products.js';
import { param, type RouteContext } from './route.js';
import { check, done, integer, reject, text } from './validate.js';

const MAX_STOCK = 1_000_000_000;

function findInventory(ctx: RouteContext) {
  const product = findProduct(ctx.store, param(ctx, 'product_id'));
  const inventory = ctx.store.inventory.get(product.id);
  // Every product gets an inventory when it is created; a missing one is a sandbox bug.
  if (!inventory) throw new Error(`product ${product.id} has no inventory record`);
  return inventory;
}

export const getInventory = (ctx: RouteContext) => ({ body: { data: findInventory(ctx) } });

export async function adjustInventory(ctx: RouteContext) {
  const inventory = findInventory(ctx);
  const c = check(await ctx.json(), ['quantity', 'reason', 'expected_quantity']);
  const quantity = integer(c, 'quantity', { min: -MAX_STOCK, max: MAX_STOCK, nonZero: true }, { required: true });
  text(c, 'reason', 500, { required: true });
  const expected = integer(c, 'expected_quantity', { min: 0, max: MAX_STOCK });
  done(c);
  if (expected != null && expected !== inventory.quantity) {
    throw apiError(409, 'quantity_conflict', `stock is ${inventory.quantity}, not the expected ${expected}; read it again and retry`, {
      currentQuantity: inventory.quantity,
      expectedQuantity: expected,
    });
  }
  const next = inventory.quantity + quantity!;
  if (next < 0) {
    reject(c, 'quantity', `would leave ${next} in stock; only ${inventory.quantity} available`);
    done(c);
  }
  if (next > MAX_STOCK) {
    reject(c, 'quantity', `would leave more than ${MAX_STOCK} in stock`);
    done(c);
  }
  const previous_quantity = inventory.quantity;
  inventory.quantity = next;
  inventory.updated_at = ctx.nowIso();
  return { body: { data: { ...inventory, previous_quantity } } };
}
