/** API v1: categories. Names are unique per store, ignoring case and accents. */
import { categoryView, newId, type CategoryRecord, type StoreData } from '../data.js';
import { notFound } from './errors.js';
import { fold, paginate, readQuery } from './list.js';
import { param, type RouteContext } from './route.js';
import { check, done, reject, requireSome, text, type Checker } from './validate.js';

const FIELDS = ['name', 'description'] as const;

function readCategoryFields(c: Checker, store: StoreData, creating: boolean, self?: string): Partial<CategoryRecord> {
  const fields: Partial<CategoryRecord> = {};
  const name = text(c, 'name', 100, { required: creating });
  if (name != null) {
    // "Café" and "cafe" would look like one category to a merchant; refuse the twin.
    const twin = [...store.categories.values()].find((other) => other.id !== self && fold(other.name) === fold(name));
    if (twin) reject(c, 'name', `a category named '${twin.name}' already exists (${twin.id})`);
    else fields.name = name;
  }
  const description = text(c, 'description', 1000, { nullable: true });
  if (description !== undefined) fields.description = description;
  return fields;
}

export async function createCategory(ctx: RouteContext) {
  const c = check(await ctx.json(), FIELDS);
  const fields = readCategoryFields(c, ctx.store, true);
  done(c);
  const category: CategoryRecord = { id: newId(ctx.data, 'cat'), name: fields.name!, description: fields.description ?? null, created_at: ctx.nowIso() };
  ctx.store.categories.set(category.id, category);
  return { status: 201, body: { data: categoryView(ctx.store, category) } };
}

export async function updateCategory(ctx: RouteContext) {
  const id = param(ctx, 'id');
  const category = ctx.store.categories.get(id);
  if (!category) throw notFound('category', id);
  const c = check(await ctx.json(), FIELDS);
  requireSome(c, FIELDS);
  const fields = readCategoryFields(c, ctx.store, false, id);
  done(c);
  Object.assign(category, fields);
  return { body: { data: categoryView(ctx.store, category) } };
}

export function listCategories(ctx: RouteContext) {
  const query = readQuery(ctx.url, []);
  const sorted = [...ctx.store.categories.values()].sort((a, b) => a.name.localeCompare(b.name, 'es') || a.id.localeCompare(b.id));
  const page = paginate(query, sorted);
  return { body: { ...page, data: page.data.map((c) => categoryView(ctx.store, c)) } };
}
