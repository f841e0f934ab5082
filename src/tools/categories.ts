/** Product categories: list, create, rename. */
import { z } from 'zod';
import type { CategoryFields } from '../api/types.js';
import { WhataloError } from '../errors.js';
import { defineTool, idArg } from './define.js';
import { listOutput, pageArgs, pageResult, pageSummary, startPosition } from './pagination.js';

// The fields a model keys on; the others (description, product_count, created_at) pass
// through a loose object unlisted, to keep tools/list small: a host pays for each byte in its context window.
export const categorySchema = z.looseObject({ id: z.string(), name: z.string() });

const name = z.string().trim().min(1, 'must not be empty').max(100).describe('Unique in the store, ignoring case and accents.');
const description = z.string().max(1000);

export const listCategories = defineTool({
  name: 'list_categories',
  title: 'List categories',
  description:
    "Lists the store's product categories in name order, with how many products each holds, one page at a time. " +
    'Their ids filter list_products and file products in create_product or update_product.',
  toolset: 'categories',
  scope: 'read:products',
  inputSchema: z.strictObject({ ...pageArgs }),
  outputSchema: listOutput(categorySchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const position = startPosition('list_categories', args, {});
    const page = await api.listCategories({ page: position.page, per_page: position.per_page });
    const data = pageResult(page, position);
    return { text: pageSummary('categories', data, position), data };
  },
});

export const createCategory = defineTool({
  name: 'create_category',
  title: 'Create category',
  description: 'Creates a product category. Names are unique in the store ignoring case and accents; a twin name is refused and names the existing category.',
  toolset: 'categories',
  scope: 'write:products',
  inputSchema: z.strictObject({ name, description: description.optional() }),
  outputSchema: z.object({ category: categorySchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, { api }) {
    const category = await api.createCategory(args);
    return { text: `Created category ${category.name} (${category.id}).`, data: { category } };
  },
});

export const updateCategory = defineTool({
  name: 'update_category',
  title: 'Update category',
  description:
    'Renames a category or changes its description; fields left out stay as they are, and a null description clears it. Products keep their category.',
  toolset: 'categories',
  scope: 'write:products',
  inputSchema: z.strictObject({
    category_id: idArg('category', 'cat_…', 'list_categories'),
    name: name.optional(),
    description: description.nullable().optional(),
  }),
  outputSchema: z.object({ category: categorySchema }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, { api }) {
    const fields: CategoryFields = {};
    if (args.name !== undefined) fields.name = args.name;
    if (args.description !== undefined) fields.description = args.description;
    if (Object.keys(fields).length === 0) throw new WhataloError('VALIDATION', 'Invalid arguments: give name or description (or both) to change.');
    const category = await api.updateCategory(args.category_id, fields);
    return { text: `Updated category ${category.name} (${category.id}).`, data: { category } };
  },
});
