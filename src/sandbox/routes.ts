/**
 * Every endpoint of the sandbox, one row each, and the one matcher that finds a request's row.
 * A row says what kind of endpoint it is, and so how the router (server.ts) serves it:
 * - 'as': the authorization server and its pages; counted in /sandbox/stats by path.
 * - 'control': /sandbox/* test plumbing, not client behaviour; not counted.
 * - 'api': API v1, behind the Bearer token, rate limit, store and scope checks of api.ts;
 *   counted by route pattern ('GET /api/v1/products/:id'), bounded unlike raw ids.
 *
 * @see ../../../shared/spec/CONTRACT.md §4 (the API rows are its resource table, line by line)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope } from '../scopes.js';
import { apiError } from './api/errors.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from './api/categories.js';
import { countCustomers, createCustomer, getCustomer, listCustomers, updateCustomer } from './api/customers.js';
import { createDiscount, deleteDiscount, getDiscount, listDiscounts, updateDiscount, validateDiscount } from './api/discounts.js';
import { adjustInventory, getInventory } from './api/inventory.js';
import { countOrders, getOrder, listOrderItems, listOrders, updateOrder } from './api/orders.js';
import { countProducts, createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './api/products.js';
import type { ApiHandler } from './api/route.js';
import { getStore } from './api/store.js';
import { handleAuthorize, handleDecision } from './as/authorize.js';
import { DECISION_PATH } from './as/consent.js';
import { handleIntrospect } from './as/introspect.js';
import { METADATA_PATH, handleMetadata } from './as/metadata.js';
import { handleRegister } from './as/register.js';
import { handleRevoke } from './as/revoke.js';
import { handleToken } from './as/token.js';
import { API_PREFIX, type Handler, type SandboxContext } from './context.js';
import {
  SETTINGS_DISCONNECT_PATH,
  SETTINGS_PATH,
  handleAuthorizationMode,
  handleClock,
  handleDisconnect,
  handleFlags,
  handleGrants,
  handleResetStats,
  handleSettings,
  handleSettingsDisconnect,
  handleStats,
} from './controls.js';
import { FAULTS_PATH, handleFaults } from './faults.js';
import { HttpError } from './http.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type RouteKind = 'as' | 'control' | 'api';

/** An authorization-server endpoint or page, or a test control: it writes its own answer. */
export interface PageRoute {
  kind: 'as' | 'control';
  method: Method;
  path: string;
  handle: Handler;
}

/** An API v1 endpoint: `path` may hold `:name` segments; `scope` is what the token needs. */
export interface ApiRoute {
  kind: 'api';
  method: Method;
  path: string;
  scope: Scope;
  handle: ApiHandler;
}

export type SandboxRoute = PageRoute | ApiRoute;

function faultsControl(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return handleFaults(ctx.faults, req, res);
}

/** The whole sandbox. Rows of one path list their methods in the order of 405's Allow. */
export const ROUTES: readonly SandboxRoute[] = [
  { kind: 'as', method: 'GET', path: METADATA_PATH, handle: handleMetadata },
  { kind: 'as', method: 'POST', path: '/oauth/register', handle: handleRegister },
  { kind: 'as', method: 'GET', path: '/oauth/authorize', handle: handleAuthorize },
  { kind: 'as', method: 'POST', path: DECISION_PATH, handle: handleDecision },
  { kind: 'as', method: 'POST', path: '/oauth/token', handle: handleToken },
  { kind: 'as', method: 'POST', path: '/oauth/introspect', handle: handleIntrospect },
  { kind: 'as', method: 'POST', path: '/oauth/revoke', handle: handleRevoke },

  { kind: 'control', method: 'POST', path: '/sandbox/disconnect', handle: handleDisconnect },
  { kind: 'control', method: 'POST', path: '/sandbox/clock', handle: handleClock },
  { kind: 'control', method: 'POST', path: '/sandbox/authorization', handle: handleAuthorizationMode },
  { kind: 'control', method: 'GET', path: '/sandbox/flags', handle: handleFlags },
  { kind: 'control', method: 'POST', path: '/sandbox/flags', handle: handleFlags },
  { kind: 'control', method: 'GET', path: '/sandbox/grants', handle: handleGrants },
  { kind: 'control', method: 'GET', path: '/sandbox/stats', handle: handleStats },
  { kind: 'control', method: 'POST', path: '/sandbox/reset-stats', handle: handleResetStats },
  { kind: 'control', method: 'GET', path: FAULTS_PATH, handle: faultsControl },
  { kind: 'control', method: 'POST', path: FAULTS_PATH, handle: faultsControl },
  { kind: 'control', method: 'DELETE', path: FAULTS_PATH, handle: faultsControl },
  { kind: 'control', method: 'GET', path: SETTINGS_PATH, handle: handleSettings },
  { kind: 'control', method: 'POST', path: SETTINGS_DISCONNECT_PATH, handle: handleSettingsDisconnect },

  // API v1, CONTRACT §4 row by row. A fixed segment (`count`, `validate`) comes before the
  // `:id` row of the same path, since the first fitting row wins.
  { kind: 'api', method: 'GET', path: '/api/v1/store', scope: 'read:store', handle: getStore },
  { kind: 'api', method: 'GET', path: '/api/v1/products', scope: 'read:products', handle: listProducts },
  { kind: 'api', method: 'POST', path: '/api/v1/products', scope: 'write:products', handle: createProduct },
  { kind: 'api', method: 'GET', path: '/api/v1/products/count', scope: 'read:products', handle: countProducts },
  { kind: 'api', method: 'GET', path: '/api/v1/products/:id', scope: 'read:products', handle: getProduct },
  { kind: 'api', method: 'PATCH', path: '/api/v1/products/:id', scope: 'write:products', handle: updateProduct },
  { kind: 'api', method: 'DELETE', path: '/api/v1/products/:id', scope: 'write:products', handle: deleteProduct },
  { kind: 'api', method: 'GET', path: '/api/v1/inventory/products/:productId', scope: 'read:inventory', handle: getInventory },
  { kind: 'api', method: 'PATCH', path: '/api/v1/inventory/products/:productId', scope: 'write:inventory', handle: adjustInventory },
  // Categories use the product scopes (CONTRACT AC2: the AS has no category scope).
  { kind: 'api', method: 'GET', path: '/api/v1/categories', scope: 'read:products', handle: listCategories },
  { kind: 'api', method: 'POST', path: '/api/v1/categories', scope: 'write:products', handle: createCategory },
  { kind: 'api', method: 'GET', path: '/api/v1/categories/:id', scope: 'read:products', handle: getCategory },
  { kind: 'api', method: 'PATCH', path: '/api/v1/categories/:id', scope: 'write:products', handle: updateCategory },
  { kind: 'api', method: 'DELETE', path: '/api/v1/categories/:id', scope: 'write:products', handle: deleteCategory },
  { kind: 'api', method: 'GET', path: '/api/v1/orders', scope: 'read:orders', handle: listOrders },
  { kind: 'api', method: 'GET', path: '/api/v1/orders/count', scope: 'read:orders', handle: countOrders },
  { kind: 'api', method: 'GET', path: '/api/v1/orders/:id', scope: 'read:orders', handle: getOrder },
  { kind: 'api', method: 'PATCH', path: '/api/v1/orders/:id', scope: 'write:orders', handle: updateOrder },
  { kind: 'api', method: 'GET', path: '/api/v1/orders/:id/items', scope: 'read:orders', handle: listOrderItems },
  { kind: 'api', method: 'GET', path: '/api/v1/customers', scope: 'read:customers', handle: listCustomers },
  { kind: 'api', method: 'POST', path: '/api/v1/customers', scope: 'write:customers', handle: createCustomer },
  { kind: 'api', method: 'GET', path: '/api/v1/customers/count', scope: 'read:customers', handle: countCustomers },
  { kind: 'api', method: 'GET', path: '/api/v1/customers/:id', scope: 'read:customers', handle: getCustomer },
  { kind: 'api', method: 'PATCH', path: '/api/v1/customers/:id', scope: 'write:customers', handle: updateCustomer },
  { kind: 'api', method: 'GET', path: '/api/v1/discounts', scope: 'read:discounts', handle: listDiscounts },
  { kind: 'api', method: 'POST', path: '/api/v1/discounts', scope: 'write:discounts', handle: createDiscount },
  // Validating a code changes nothing, so it needs only the read scope (our choice; the page does not say).
  { kind: 'api', method: 'POST', path: '/api/v1/discounts/validate', scope: 'read:discounts', handle: validateDiscount },
  { kind: 'api', method: 'GET', path: '/api/v1/discounts/:id', scope: 'read:discounts', handle: getDiscount },
  { kind: 'api', method: 'PATCH', path: '/api/v1/discounts/:id', scope: 'write:discounts', handle: updateDiscount },
  { kind: 'api', method: 'DELETE', path: '/api/v1/discounts/:id', scope: 'write:discounts', handle: deleteDiscount },
];

/** The kind of endpoint a path can be, known before any row matches (a 404 has a shape too). */
export function kindOf(path: string): RouteKind {
  if (path === API_PREFIX || path.startsWith(API_PREFIX + '/')) return 'api';
  return path.startsWith('/sandbox/') ? 'control' : 'as';
}

type RouteOf<K extends RouteKind> = Extract<SandboxRoute, { kind: K }>;

/** A request's row, or the 404 / 405 (with Allow) to answer instead, in its kind's shape. */
export type Match<R extends SandboxRoute> = Found<R> | Missed;

export interface Found<R extends SandboxRoute> {
  route: R;
  /** Decoded `:name` segments. */
  params: Record<string, string>;
  /** The row's path: API v1's stats key. */
  pattern: string;
}

export interface Missed {
  route?: undefined;
  miss: HttpError;
  /** Set for a 405: the path a row of another method has (its stats key). */
  pattern?: string;
}

function isKind<K extends RouteKind>(route: SandboxRoute, kind: K): route is RouteOf<K> {
  return route.kind === kind;
}

/** The decoded `:name` segments when `path` fits `pattern`; `:name` takes one non-empty segment. */
function fit(pattern: string, path: string): Record<string, string> | undefined {
  const parts = pattern.split('/');
  const segments = path.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  const ok = parts.every((part, i) => {
    const segment = segments[i]!;
    if (!part.startsWith(':')) return part === segment;
    if (segment === '') return false;
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
      return true;
    } catch {
      return false;
    }
  });
  return ok ? params : undefined;
}

/** Finds the row of `kind` (kindOf(path)) for `method` and `path`, or says why there is none. */
export function resolve<K extends RouteKind>(kind: K, method: string, path: string): Match<RouteOf<K>> {
  const allow: Method[] = [];
  let pattern: string | undefined;
  for (const route of ROUTES) {
    if (!isKind(route, kind)) continue;
    const params = fit(route.path, path);
    if (!params) continue;
    pattern ??= route.path;
    if (route.method === method) return { route, params, pattern: route.path };
    allow.push(route.method);
  }
  return { miss: notRouted(kind, method, path, allow), pattern };
}

function notRouted(kind: RouteKind, method: string, path: string, allow: Method[]): HttpError {
  const methods = allow.join(', ');
  if (kind === 'api') {
    // API v1 names the path under its prefix, as its clients write it.
    const sub = path.slice(API_PREFIX.length);
    if (allow.length > 0)
      return apiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${sub}; use ${methods}`, { allow: allow }, { allow: methods });
    return apiError(404, 'NOT_FOUND', `no API v1 endpoint at ${sub}`, { resource: 'endpoint', id: sub });
  }
  if (allow.length > 0) return new HttpError(405, { error: 'method_not_allowed', message: `${path} accepts ${methods}` }, { allow: methods });
  return new HttpError(404, { error: 'not_found', message: `no such endpoint: ${path}` });
}
