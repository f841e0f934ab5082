/** Discount codes: list, read, create, change, delete, and check a code against an order total. */
import { z } from 'zod';
import { DISCOUNT_STATUSES, DISCOUNT_TYPES, type Discount } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { commaList, dateArg, defined, defineTool, idArg, isId, moneyArg } from './define.js';
import { formatMoney } from './money.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';
import { toolTexts } from './texts.js';

// The fields a model keys on; limits, dates, usage and what it applies to pass through unlisted.
export const discountSchema = z.looseObject({ id: z.string(), code: z.string(), type: z.string(), value: z.number() });

const discountId = idArg('discount', 'list_discounts', '"disc_8f2k1m"');
const code = z.string().trim().min(1, 'must not be empty').max(50);
const value = z.number().positive().describe('Percent (1-100) or an amount in the store currency, by type.');
const minOrder = moneyArg('Smallest order total it applies to.');
const maxUses = z.number().int().min(1);

async function valueText(discount: Discount, store: () => Promise<{ currency: string } | undefined>): Promise<string> {
  const { t } = toolTexts();
  return discount.type === 'percentage'
    ? t('tool.discount.percent', { value: discount.value })
    : t('tool.discount.fixed', { amount: formatMoney(discount.value, (await store())?.currency) });
}

const label = (discount: Pick<Discount, 'code'>) => `code ${discount.code}`;

export const listDiscounts = defineTool({
  name: 'list_discounts',
  title: 'List discount codes',
  description: "Lists the store's discount codes, one page at a time: all of them by default, or active, inactive or expired ones.",
  toolset: 'discounts',
  scope: 'read:discounts',
  inputSchema: z.strictObject({ status: z.enum(DISCOUNT_STATUSES).default('all'), ...pageArgs }),
  outputSchema: listOutput(discountSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const filters = { status: args.status };
    const position = startPosition('list_discounts', args, filters);
    const page = await api.listDiscounts({ ...filters, page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary(toolTexts().t('tool.noun.discounts'), data, position), data };
  },
});

export const getDiscount = defineTool({
  name: 'get_discount',
  title: 'Get discount code',
  description:
    'Returns one discount code by id: type, value, min_order_amount, max_uses and current_uses, starts_at, expires_at, is_active, ' +
    'is_usable and the products or categories it applies to.',
  toolset: 'discounts',
  scope: 'read:discounts',
  inputSchema: z.strictObject({ discount_id: discountId }),
  outputSchema: z.object({ discount: discountSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, store }) {
    const discount = await api.getDiscount(args.discount_id);
    const value = await valueText(discount, store);
    return {
      text: toolTexts().t('tool.discount', { label: label(discount), id: discount.id, value, usable: discount.is_usable !== false }),
      data: { discount },
    };
  },
});

const limits = {
  min_order_amount: minOrder,
  max_uses: maxUses,
  starts_at: dateArg(),
  expires_at: dateArg(),
};

// What a code applies to: the discount object's applicable_product_ids/_category_ids (CONTRACT
// §4). The reference's stored copy lists no write fields for them; sent only when given, and
// Whatalo's 422 (if it refuses them) names the argument.
const productIds = commaList(isId, 'a product id', 'Product ids it applies to, comma-separated; none = all.');
const categoryIds = commaList(isId, 'a category id', 'Category ids it applies to, comma-separated.');
const ids = (list: string | undefined) => (list === undefined ? undefined : list.split(','));
const TARGET_ALIASES = { applicable_product_ids: 'product_ids', applicable_category_ids: 'category_ids' } as const;

export const createDiscount = defineTool({
  name: 'create_discount',
  title: 'Create discount code',
  description:
    'Creates a discount code: a percentage or a fixed amount off, for the whole store or some products or categories, optionally with a ' +
    'minimum order, a usage limit and dates (ISO 8601).',
  toolset: 'discounts',
  scope: 'write:discounts',
  inputSchema: z.strictObject({
    code,
    type: z.enum(DISCOUNT_TYPES),
    value,
    min_order_amount: limits.min_order_amount.optional(),
    max_uses: limits.max_uses.optional(),
    starts_at: limits.starts_at.optional(),
    expires_at: limits.expires_at.optional(),
    product_ids: productIds.optional(),
    category_ids: categoryIds.optional(),
  }),
  outputSchema: z.object({ discount: discountSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  fieldAliases: TARGET_ALIASES,
  async handler(args, { api, store }) {
    const { product_ids, category_ids, ...rest } = args;
    const discount = await api.createDiscount({
      ...defined(rest),
      ...defined({ applicable_product_ids: ids(product_ids), applicable_category_ids: ids(category_ids) }),
      code: args.code,
      type: args.type,
      value: args.value,
    });
    return {
      text: toolTexts().t('tool.discount.created', { label: label(discount), id: discount.id, value: await valueText(discount, store) }),
      data: { discount },
    };
  },
});

export const updateDiscount = defineTool({
  name: 'update_discount',
  title: 'Update discount code',
  description: 'Changes a discount code; fields left out stay, null removes a limit or date. is_active false pauses it.',
  toolset: 'discounts',
  scope: 'write:discounts',
  inputSchema: z.strictObject({
    discount_id: discountId,
    code: code.optional(),
    type: z.enum(DISCOUNT_TYPES).optional(),
    value: value.optional(),
    min_order_amount: limits.min_order_amount.nullable().optional(),
    max_uses: limits.max_uses.nullable().optional(),
    starts_at: limits.starts_at.nullable().optional(),
    expires_at: limits.expires_at.nullable().optional(),
    is_active: z.boolean().optional(),
    product_ids: productIds.optional(),
    category_ids: categoryIds.optional(),
  }),
  outputSchema: z.object({ discount: discountSchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  fieldAliases: TARGET_ALIASES,
  async handler(args, { api }) {
    const { discount_id, product_ids, category_ids, ...rest } = args;
    const fields = defined({ ...rest, applicable_product_ids: ids(product_ids), applicable_category_ids: ids(category_ids) });
    if (Object.keys(fields).length === 0) throw new WhataloError('VALIDATION', 'Invalid arguments: give at least one field to change.');
    const discount = await api.updateDiscount(discount_id, fields);
    return {
      text: toolTexts().t('tool.updated', { kind: toolTexts().t('tool.kind.discount'), label: label(discount), id: discount.id, fields: Object.keys(fields) }),
      data: { discount },
    };
  },
});

export const deleteDiscount = defineTool({
  name: 'delete_discount',
  title: 'Delete discount code',
  description: 'Deletes a discount code for good; update_discount with is_active false pauses it instead. The merchant may be asked to confirm.',
  toolset: 'discounts',
  scope: 'write:discounts',
  inputSchema: z.strictObject({ discount_id: discountId }),
  outputSchema: z.object({ id: z.string(), deleted: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, confirm }) {
    const id = args.discount_id;
    const { t } = toolTexts();
    const yes = await confirm(async () => t('tool.confirm.deleteDiscount', { label: label(await api.getDiscount(id)) }));
    if (!yes) return { text: t('tool.notConfirmed.delete', { kind: t('tool.kind.discount'), id }), data: { id, deleted: false } };
    const result = await api.deleteDiscount(id);
    return { text: t('tool.deleted', { kind: t('tool.kind.discount'), id, deleted: result.deleted === true }), data: { id, deleted: result.deleted === true } };
  },
});

export const validateDiscount = defineTool({
  name: 'validate_discount',
  title: 'Check discount code',
  description: 'Checks whether a code applies to an order of the given total, and how much it takes off (or why not). Changes nothing.',
  toolset: 'discounts',
  scope: 'read:discounts',
  inputSchema: z.strictObject({ code, order_total: moneyArg() }),
  outputSchema: z.object({ valid: z.boolean(), discount_amount: z.number().nullish(), reason: z.string().nullish() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, store }) {
    const check = await api.validateDiscount(args.code, args.order_total);
    const currency = (await store())?.currency;
    const data = { valid: check.valid === true, discount_amount: check.discount_amount ?? null, reason: check.reason ?? null };
    const text = data.valid
      ? toolTexts().t('tool.discount.applies', {
          code: args.code,
          amount: formatMoney(data.discount_amount, currency),
          total: formatMoney(args.order_total, currency),
        })
      : toolTexts().t('tool.discount.doesNotApply', { code: args.code, reason: data.reason });
    return { text, data };
  },
});
