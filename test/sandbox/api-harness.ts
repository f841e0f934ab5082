/**
 * Mounts the sandbox's real router and API v1 chain on a real node:http server on 127.0.0.1:0,
 * with a token table standing in for the authorization server. The end-to-end suite
 * (api-e2e.test.ts) gets its tokens from the sandbox AS instead.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { ALL_SCOPES } from '../../src/scopes.js';
import { createApiHandler, type TokenGrant } from '../../src/sandbox/api.js';
import { API_PREFIX, createContext } from '../../src/sandbox/context.js';
import { SEED_EPOCH_MS, createSeedData, type SandboxData, type StoreData } from '../../src/sandbox/data.js';
import { createFaultState } from '../../src/sandbox/faults.js';
import { ROUTES, type ApiRoute } from '../../src/sandbox/routes.js';
import { createRouter } from '../../src/sandbox/server.js';
import { createState } from '../../src/sandbox/state.js';

/** The API v1 rows of the route table, with their paths under /api/v1 as `pattern`. */
export const API_ROUTES = ROUTES.filter((r): r is ApiRoute => r.kind === 'api').map((r) => ({ ...r, pattern: r.path.slice(API_PREFIX.length) }));

/**
 * The seed's stores: 0 La Milpa Mercado (MXN, 540 orders), 1 Colmado Doña Carmen (DOP),
 * 2 Tostadores del Quindío (COP, on a plan without inventory control and discounts).
 */
export type StoreIndex = 0 | 1 | 2;

export interface ApiHarness {
  base: string;
  data: SandboxData;
  counts: Map<string, number>;
  /** A fresh token for `scopes` on store 0, 1 or 2 (of the seed), as client `clientId`. */
  token(scopes?: readonly string[], store?: StoreIndex, clientId?: string): string;
  revoke(token: string): void;
  advance(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

export async function startApi(rateLimit = { limit: 100_000, windowSeconds: 60 }): Promise<ApiHarness> {
  const data = createSeedData();
  const tokens = new Map<string, TokenGrant>();
  const counts = new Map<string, number>();
  let clock = SEED_EPOCH_MS + 3_600_000;
  const handler = createApiHandler({
    data,
    authenticate: (token) => tokens.get(token) ?? null,
    now: () => clock,
    count: (key) => counts.set(key, (counts.get(key) ?? 0) + 1),
    rateLimit,
    logger: silentLogger,
  });
  const ctx = createContext({ state: createState(), data, logger: silentLogger, faults: createFaultState([]) });
  const server: Server = createServer(createRouter(ctx, handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  ctx.issuer = `http://127.0.0.1:${port}`;
  return {
    base: `${ctx.issuer}${API_PREFIX}`,
    data,
    counts,
    token(scopes = ALL_SCOPES, store = 0, clientId = 'client_test') {
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, { scopes: [...scopes], storeId: data.stores[store]!.id, merchant: data.merchant.id, clientId });
      return token;
    },
    revoke: (token) => void tokens.delete(token),
    advance: (ms) => void (clock += ms),
    now: () => clock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface SeededApi {
  api: ApiHarness;
  /** Every scope, on store 0. */
  token: string;
  /** Store 0's seed data: the live records the API serves, so a write shows here too. */
  store: StoreData;
}

/** An API for the enclosing suite, a token and its store's data, filled in by beforeAll; closed after all tests. */
export function useSeededApi(): SeededApi {
  const seeded = {} as SeededApi;
  beforeAll(async () => {
    const api = await startApi();
    Object.assign(seeded, { api, token: api.token(), store: api.data.byStore.get(api.data.stores[0]!.id)! });
  });
  afterAll(() => seeded.api?.close());
  return seeded;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text, sent as is (with `contentType`). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One API v1 request over real HTTP. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** An API v1 error as CONTRACT V3 nests it. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details: any;
}

/** Asserts the CONTRACT V3 shape, `{"error": {code, message, details}}` and nothing else; returns the inner error. */
export function expectError(reply: Reply, status: number, code: string): ApiErrorBody {
  const summary = `${reply.status} ${JSON.stringify(reply.body)}`;
  if (reply.status !== status || reply.body?.error?.code !== code) throw new Error(`expected ${status} ${code}, got ${summary}`);
  if (Object.keys(reply.body).join() !== 'error') throw new Error(`error body has more than "error": ${summary}`);
  const error = reply.body.error as ApiErrorBody;
  if (Object.keys(error).sort().join() !== 'code,details,message') throw new Error(`error has other keys than code, message, details: ${summary}`);
  if (typeof error.message !== 'string' || error.message === '') throw new Error('message missing');
  if (typeof error.details !== 'object' || error.details === null) throw new Error('details missing');
  if (!/^req_[0-9a-f]{32}$/.test(reply.headers.get('x-request-id') ?? '')) throw new Error('X-Request-Id missing');
  return error;
}

/**
 * A request that reaches `pattern` (an API row's path under /api/v1) in `store`, with real ids
 * and a valid body for writes: a pending order, an active product, a deletable record where
 * the row deletes (a fresh name each call, so it can run twice).
 */
export function sampleRequest(store: StoreData, method: string, pattern: string): { path: string; body?: unknown } {
  const product = [...store.products.values()].find((p) => p.is_active && p.variants.length === 0)!;
  const pending = [...store.orders.values()].find((o) => o.status === 'pending')!;
  const ids: Record<string, string> = {
    products: product.id,
    inventory: product.id,
    categories: first(store.categories).id,
    orders: pending.id,
    customers: first(store.customers).id,
    discounts: first(store.discounts).id,
  };
  const resource = pattern.split('/')[1]!;
  const path = pattern.replace(/:[A-Za-z]+/, ids[resource] ?? '');
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const bodies: Record<string, unknown> = {
    'POST /products': { name: `Prueba ${unique}`, price: 10 },
    'PATCH /products/:id': { description: 'scope check' },
    'PATCH /inventory/products/:productId': { quantity: 1, reason: 'scope check' },
    'POST /categories': { name: `Categoría ${unique}` },
    'PATCH /categories/:id': { is_active: true },
    'PATCH /orders/:id': { status: 'confirmed' },
    'POST /customers': { name: `Cliente ${unique}` },
    'PATCH /customers/:id': { notes: 'scope check' },
    'POST /discounts': { code: `P${unique}`.slice(0, 20).toUpperCase(), type: 'percentage', value: 5 },
    'PATCH /discounts/:id': { is_active: true },
    'POST /discounts/validate': { code: 'BIENVENIDA10', order_total: 100 },
  };
  return { path, body: method === 'GET' || method === 'DELETE' ? undefined : bodies[`${method} ${pattern}`] };
}

export const first = <T>(m: Map<string, T>): T => m.values().next().value!;
