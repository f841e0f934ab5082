/**
 * The scope catalog: the one place a scope string is spelled.
 *
 * Shared by the sandbox (what its AS grants and its API enforces) and by the client
 * (what tools declare, what sign-in requests). Exactly the fifteen scopes of Whatalo's
 * discovery document, in its order; there is no category scope (categories are products,
 * CONTRACT AC2), and `read:analytics` has no endpoint yet.
 *
 * @see ../shared/spec/CONTRACT.md A3, AC2
 */
export const SCOPE_CATALOG = {
  'read:products': 'See your products, categories and prices',
  'write:products': 'Create, change and delete products and categories',
  'read:inventory': 'See stock levels',
  'write:inventory': 'Change stock levels',
  'read:discounts': 'See your discount codes',
  'write:discounts': 'Create, change and delete discount codes',
  'read:orders': 'See your orders and sales',
  'write:orders': 'Change the status and payment status of orders',
  'read:customers': 'See your customers and their contact details',
  'write:customers': 'Add and change customers',
  'read:store': 'See your store’s name, currency and settings',
  'write:store': 'Change your store’s settings',
  'read:analytics': 'See your store’s analytics',
  'read:webhooks': 'See your webhooks',
  'write:webhooks': 'Create, change and delete webhooks',
} as const;

export type Scope = keyof typeof SCOPE_CATALOG;

export const ALL_SCOPES: readonly Scope[] = Object.freeze(Object.keys(SCOPE_CATALOG) as Scope[]);

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPE_CATALOG, value);
}

/** True for `read:*` scopes. A write scope never implies its read scope (CONTRACT A3). */
export function isReadScope(scope: Scope): boolean {
  return scope.startsWith('read:');
}

/** True when `granted` carries `scope`; exact match, no scope implies another (CONTRACT A3). */
export function hasScope(granted: readonly string[], scope: Scope): boolean {
  return granted.includes(scope);
}

/** Splits an RFC 6749 §3.3 scope string (space-delimited, any order) into its distinct values. */
export function splitScopes(scope: string | undefined | null): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter(Boolean))];
}

/** Joins scopes in catalog order, so the same set always yields the same string. */
export function joinScopes(scopes: Iterable<string>): string {
  const set = new Set(scopes);
  const known = ALL_SCOPES.filter((s) => set.has(s));
  const unknown = [...set].filter((s) => !isScope(s)).sort();
  return [...known, ...unknown].join(' ');
}
