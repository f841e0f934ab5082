/** Stock levels: one product's stock and its variants', and a signed change with a reason. */
import { z } from 'zod';
import type { Inventory } from '../api/types.js';
import { WhataloError, isWhataloError } from '../errors.js';
import { defineTool, idArg } from './define.js';
import { toolTexts } from './texts.js';

const MAX_STOCK = 1_000_000_000;

// The fields a model keys on; sku, thresholds and variants pass through a loose object unlisted.
export const inventorySchema = z.looseObject({ product_id: z.string(), stock_quantity: z.number().int() });

const productId = idArg('product', 'list_products');

function variantsText(inventory: Inventory): string {
  const variants = inventory.variants ?? [];
  if (variants.length === 0) return '';
  const listed = variants.slice(0, 10).map((v) => `${[v.variant_type, v.variant_value].filter(Boolean).join(' ') || v.variant_id}: ${v.stock_quantity}`);
  return toolTexts().t('tool.stock.variants', { listed, more: Math.max(0, variants.length - 10) });
}

export const getInventory = defineTool({
  name: 'get_inventory',
  title: 'Get stock',
  description: "Returns a product's stock (stock_quantity), its low-stock threshold and whether stock is tracked, and each variant's stock.",
  toolset: 'inventory',
  scope: 'read:inventory',
  inputSchema: z.strictObject({ product_id: productId }),
  outputSchema: z.object({ inventory: inventorySchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const inventory = await api.getInventory(args.product_id);
    const text = toolTexts().t('tool.stock', { id: inventory.product_id, sku: inventory.sku, stock: inventory.stock_quantity }) + variantsText(inventory);
    return { text, data: { inventory } };
  },
});

export const adjustInventory = defineTool({
  name: 'adjust_inventory',
  title: 'Adjust stock',
  description:
    "Changes a product's stock by a signed delta (+10 received, -2 damaged) with a reason for the stock history. Each call applies its delta " +
    'again, and a lost answer is never resent. expected_quantity: refused unless stock is that. The merchant may be asked before stock reaches 0.',
  toolset: 'inventory',
  scope: 'write:inventory',
  inputSchema: z.strictObject({
    product_id: productId,
    delta: z
      .number()
      .int()
      .min(-MAX_STOCK)
      .max(MAX_STOCK)
      .refine((v) => v !== 0, 'must not be zero'),
    reason: z.string().trim().min(1, 'must not be empty').max(500),
    expected_quantity: z.number().int().min(0).max(MAX_STOCK).optional(),
  }),
  outputSchema: z.object({
    inventory: inventorySchema.extend({ previous_quantity: z.number().int().nullish() }),
    changed: z.boolean(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // API v1 calls the delta `quantity` (CONTRACT §4 inventory); the model sent `delta`.
  fieldAliases: { quantity: 'delta' },
  async handler(args, { api, confirm }) {
    const id = args.product_id;
    let before: Inventory | undefined;
    const read = async () => (before ??= await api.getInventory(id));
    // API v1 has no compare-and-set: the expectation is checked by a read just before the change.
    if (args.expected_quantity !== undefined) {
      const current = (await read()).stock_quantity;
      if (current !== args.expected_quantity) {
        throw new WhataloError('VALIDATION', `Stock is ${current}, not the expected ${args.expected_quantity}; nothing was adjusted.`, {
          details: { field: 'expected_quantity', current },
        });
      }
    }
    if (args.delta < 0) {
      const yes = await confirm(async () => {
        const now = await read();
        if (now.stock_quantity + args.delta > 0) return undefined;
        const left = Math.max(0, now.stock_quantity + args.delta);
        return toolTexts().t('tool.confirm.takeStock', { count: -args.delta, name: await productName(api, now), reason: args.reason, left });
      });
      if (!yes) {
        const inventory = await read();
        return {
          text: toolTexts().t('tool.notConfirmed.stock', { id, stock: inventory.stock_quantity }),
          data: { inventory: { ...inventory, previous_quantity: inventory.stock_quantity }, changed: false },
        };
      }
    }
    const after = await api.changeStock(id, { quantity: args.delta, reason: args.reason });
    const previous = before?.stock_quantity ?? after.stock_quantity - args.delta;
    const sign = args.delta > 0 ? '+' : '';
    return {
      text: toolTexts().t('tool.stock.moved', {
        id: after.product_id,
        before: previous,
        after: after.stock_quantity,
        delta: `${sign}${args.delta}`,
        reason: args.reason,
      }),
      data: { inventory: { ...after, previous_quantity: previous }, changed: true },
    };
  },
});

/** «name» (SKU …) when the sign-in may read products; else the SKU or the id, from the stock record. */
async function productName(api: { getProduct(id: string): Promise<{ name: string }> }, inventory: Inventory): Promise<string> {
  const sku = inventory.sku ? ` (SKU ${inventory.sku})` : '';
  try {
    return `«${(await api.getProduct(inventory.product_id)).name}»${sku}`;
  } catch (error) {
    if (!isWhataloError(error)) throw error;
    return `product ${inventory.product_id}${sku}`;
  }
}
