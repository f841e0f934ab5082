/** Product categories: list, read, create, rename, delete. Scopes are the products' (CONTRACT AC2). */
import { z } from 'zod';
import type { Category } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { defined, defineTool, idArg } from './define.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';
import { toolTexts } from './texts.js';
// Errors are for the model and stay English; the summary's copy of this sentence follows the person's language.
import { en } from '../i18n/en.js';

// The fields a model keys on; slug, is_active and created_at pass through a loose object unlisted.
export const categorySchema = z.looseObject({ id: z.string(), name: z.string() });

const categoryId = idArg('category', 'list_categories');
const name = z.string().trim().min(1, 'must not be empty').max(100);
// Whatalo's categories have no description (CONTRACT §4): the argument is kept for hosts that
// send it, and never sent to the API.
const description = z.string().max(1000).describe('Not stored: Whatalo categories have no description.');

const label = (category: Pick<Category, 'name'>) => `«${category.name}»`;

export const listCategories = defineTool({
  name: 'list_categories',
  title: 'List categories',
  description:
    "Lists the store's product categories, one page at a time. Their ids filter list_products and file products in create_product or update_product.",
  toolset: 'categories',
  scope: 'read:products',
  inputSchema: z.strictObject({ ...pageArgs }),
  outputSchema: listOutput(categorySchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const position = startPosition('list_categories', args, {});
    const page = await api.listCategories({ page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary(toolTexts().t('tool.noun.categories'), data, position), data };
  },
});

export const getCategory = defineTool({
  name: 'get_category',
  title: 'Get category',
  description: 'Returns one category by id: name, slug, is_active and created_at. Its products: list_products with category_id.',
  toolset: 'categories',
  scope: 'read:products',
  inputSchema: z.strictObject({ category_id: categoryId }),
  outputSchema: z.object({ category: categorySchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const category = await api.getCategory(args.category_id);
    return { text: toolTexts().t('tool.category', { label: label(category), id: category.id }), data: { category } };
  },
});

export const createCategory = defineTool({
  name: 'create_category',
  title: 'Create category',
  description: 'Creates a product category; Whatalo makes its slug from the name. Each call creates another category.',
  toolset: 'categories',
  scope: 'write:products',
  inputSchema: z.strictObject({ name, description: description.optional() }),
  outputSchema: z.object({ category: categorySchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, { api }) {
    const category = await api.createCategory({ name: args.name });
    return {
      text:
        toolTexts().t('tool.category.created', { label: label(category), id: category.id }) +
        (args.description ? toolTexts().t('tool.category.noDescription') : ''),
      data: { category },
    };
  },
});

export const updateCategory = defineTool({
  name: 'update_category',
  title: 'Update category',
  description: 'Renames a category, or shows or hides it (is_active); fields left out stay as they are. Products keep their category.',
  toolset: 'categories',
  scope: 'write:products',
  inputSchema: z.strictObject({
    category_id: categoryId,
    name: name.optional(),
    is_active: z.boolean().optional(),
    description: description.nullable().optional(),
  }),
  outputSchema: z.object({ category: categorySchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const fields = defined({ name: args.name, is_active: args.is_active });
    if (Object.keys(fields).length === 0) {
      throw new WhataloError(
        'VALIDATION',
        `Invalid arguments: give name or is_active to change.${args.description !== undefined ? en['tool.category.noDescription'] : ''}`,
      );
    }
    const category = await api.updateCategory(args.category_id, fields);
    return {
      text:
        toolTexts().t('tool.category.updated', { label: label(category), id: category.id }) +
        (args.description ? toolTexts().t('tool.category.noDescription') : ''),
      data: { category },
    };
  },
});

export const deleteCategory = defineTool({
  name: 'delete_category',
  title: 'Delete category',
  description: 'Deletes a category for good; its products stay, uncategorized. The merchant may be asked to confirm.',
  toolset: 'categories',
  scope: 'write:products',
  inputSchema: z.strictObject({ category_id: categoryId }),
  outputSchema: z.object({ id: z.string(), deleted: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api, confirm }) {
    const id = args.category_id;
    const { t } = toolTexts();
    const yes = await confirm(async () => t('tool.confirm.deleteCategory', { label: label(await api.getCategory(id)) }));
    if (!yes) return { text: t('tool.notConfirmed.delete', { kind: t('tool.kind.category'), id }), data: { id, deleted: false } };
    const result = await api.deleteCategory(id);
    return { text: t('tool.deleted', { kind: t('tool.kind.category'), id, deleted: result.deleted === true }), data: { id, deleted: result.deleted === true } };
  },
});
