/** Stock levels: read one product's stock, adjust it by a signed delta with a reason. */
import { z } from 'zod';
import { defineTool, idArg } from './define.js';

const MAX_STOCK = 1_000_000_000;

// The fields a model keys on; sku and updated_at pass through a loose object unlisted.
export const inventorySchema = z.looseObject({ product_id: z.string(), quantity: z.number().int() });

const productId = idArg('product', 'prd_…', 'list_products');

export const getInventory = defineTool({
  name: 'get_inventory',
  title: 'Get stock',
  description: 'Returns the stock level (units on hand) of one product, with its SKU and when the stock last changed.',
  toolset: 'inventory',
  scope: 'read:inventory',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ inventory: inventorySchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const inventory = await api.getInventory(args.product_id);
    return { text: `Product ${inventory.product_id} has ${inventory.quantity} in stock.`, data: { inventory } };
  },
});

export const adjustInventory = defineTool({
  name: 'adjust_inventory',
  title: 'Adjust stock',
  description:
    "Changes a product's stock by a signed delta (+10 received, -2 damaged) and records a reason. " +
    'With expected_quantity, nothing changes unless the stock is still that number (the error gives the current one). ' +
    'Stock never goes below 0. Each call applies its delta again.',
  toolset: 'inventory',
  scope: 'write:inventory',
  inputSchema: z.strictObject({
    product_id: productId,
    delta: z
      .number()
      .int()
      .min(-MAX_STOCK)
      .max(MAX_STOCK)
      .refine((v) => v !== 0, 'must not be zero')
      .describe('Not 0.'),
    reason: z.string().trim().min(1, 'must not be empty').max(500).describe('Kept in the stock history.'),
    expected_quantity: z.number().int().min(0).max(MAX_STOCK).optional().describe('The stock you last read.'),
  }),
  outputSchema: z.object({
    inventory: inventorySchema.extend({ previous_quantity: z.number().int().nullish() }),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // API v1 calls the delta `quantity` (CONTRACT V5); the model sent `delta`.
  fieldAliases: { quantity: 'delta' },
  async handler(args, { api }) {
    const inventory = await api.adjustInventory(args.product_id, {
      quantity: args.delta,
      reason: args.reason,
      ...(args.expected_quantity === undefined ? {} : { expected_quantity: args.expected_quantity }),
    });
    const sign = args.delta > 0 ? '+' : '';
    return {
      text: `Stock of ${inventory.product_id}: ${inventory.previous_quantity} → ${inventory.quantity} (${sign}${args.delta}, ${args.reason}).`,
      data: { inventory },
    };
  },
});
