/**
 * API v1: categories (CONTRACT §4 categories row): `id`, `name`, `slug`, `is_active`,
 * `created_at` — no description, no product count. The slug is generated from the name.
 * Deleting a category leaves its products uncategorized (`category_id: null`).
 * Names are unique per store, ignoring case and accents (our choice: two "Café" shelves
 * would look like one to a merchant).
 */
import { newId, uniqueSlug, type Category, type StoreData } from '../data.js';
import { notFound } from './errors.js';
import { fold, paginate, readQuery } from './list.js';
import { param, type RouteContext } from './route.js';
import { bool, check, done, reject, requireSome, text, type Checker } from './validate.js';

const FIELDS = ['name', 'is_active'] as const;

function findCategory(ctx: RouteContext): Category {
  const id = param(ctx, 'id');
  const category = ctx.store.categories.get(id);
  if (!category) throw notFound('category', id);
  return category;
}

function readName(c: Checker, store: StoreData, creating: boolean, self?: string): string | undefined {
  const name = text(c, 'name', 100, { required: creating });
  if (name == null) return undefined;
  const twin = [...store.categories.values()].find((other) => other.id !== self && fold(other.name) === fold(name));
  if (twin) {
    reject(c, 'name', `a category named '${twin.name}' already exists (${twin.id})`);
    return undefined;
  }
  return name;
}

export async function createCategory(ctx: RouteContext) {
  const c = check(await ctx.json(), FIELDS);
  const name = readName(c, ctx.store, true);
  const isActive = bool(c, 'is_active');
  done(c);
  const category: Category = {
    id: newId(ctx.data, 'number'),
    name: name!,
    slug: uniqueSlug(name!, ctx.store.categories.values()),
    is_active: isActive ?? true,
    created_at: ctx.nowIso(),
  };
  ctx.store.categories.set(category.id, category);
  return { status: 201, body: { data: { ...category } } };
}

export async function updateCategory(ctx: RouteContext) {
  const category = findCategory(ctx);
  const c = check(await ctx.json(), FIELDS);
  requireSome(c, FIELDS);
  const name = readName(c, ctx.store, false, category.id);
  const isActive = bool(c, 'is_active');
  done(c);
  if (name !== undefined && name !== category.name) {
    category.name = name;
    category.slug = uniqueSlug(
      name,
      [...ctx.store.categories.values()].filter((o) => o.id !== category.id),
    );
  }
  if (isActive != null) category.is_active = isActive;
  return { body: { data: { ...category } } };
}

export const getCategory = (ctx: RouteContext) => ({ body: { data: { ...findCategory(ctx) } } });

export function deleteCategory(ctx: RouteContext) {
  const category = findCategory(ctx);
  ctx.store.categories.delete(category.id);
  for (const product of ctx.store.products.values()) if (product.category_id === category.id) product.category_id = null;
  for (const d of ctx.store.discounts.values()) d.applicable_category_ids = d.applicable_category_ids.filter((id) => id !== category.id);
  return { body: { data: { deleted: true } } };
}

export function listCategories(ctx: RouteContext) {
  // No filters are documented for categories; sorted by name (our choice) so a merchant finds a shelf.
  const q = readQuery(ctx.url, [], ctx.store.store.timezone);
  const items = [...ctx.store.categories.values()].sort((a, b) => a.name.localeCompare(b.name, 'es') || a.id.localeCompare(b.id));
  const page = paginate(q, items);
  return { body: { ...page, data: page.data.map((c) => ({ ...c })) } };
}
