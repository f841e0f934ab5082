/**
 * The API v1 client against small API v1 servers on 127.0.0.1 that answer CONTRACT §4's
 * documented shapes: the paths and query names it sends, the nested error bodies it reads
 * (by HTTP status; FEATURE_ACCESS_DENIED the one code), the 401 → invalidate → one retry rule
 * of the call path (src/server/call.ts), and the bounded retry policy — counted by the
 * requests that reached the server, never by time. A create or a relative stock change is
 * never sent twice.
 */
import { getEventListeners } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, type Credentials, createApiClient, rateLimitWaitMs } from '../../src/api/client.js';
import { apiDetails, isWhataloError, type WhataloError } from '../../src/errors.js';
import { ALL_SCOPES } from '../../src/scopes.js';
import type { AccessSource } from '../../src/server/access.js';
import { boundApi } from '../../src/server/call.js';
import { freePort } from '../helpers/ports.js';
import { type FakeApi, type Route, INVENTORY, PRODUCT, apiError, pageOf, startFakeApi } from './fake-api.js';

const good: Credentials = { accessToken: 'G'.repeat(43), storeId: 'str_8k2m4n6p' };
const STORE = { id: good.storeId, name: 'Chiles Doña Rosa', currency: 'MXN', timezone: 'America/Mexico_City', country_code: 'MX' };

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function serve(route: Route, options: { timeoutMs?: number; maxServerRetries?: number } = {}): Promise<ApiClient> {
  api = await startFakeApi(route);
  return createApiClient({
    apiBase: api.apiBase,
    retry: { baseMs: 1, ...(options.maxServerRetries === undefined ? {} : { maxServerRetries: options.maxServerRetries }) },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

async function failure(promise: Promise<unknown>): Promise<WhataloError> {
  try {
    await promise;
  } catch (error) {
    if (isWhataloError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Grants `first`, then `next` once invalidated; `renewals` lists the tokens invalidate() was called with. */
function source(first: Credentials, next: Credentials = first): AccessSource & { renewals: string[] } {
  const renewals: string[] = [];
  let granted = first;
  return {
    renewals,
    ensureAccess: async () => ({ ...granted, scopes: ALL_SCOPES }),
    invalidate: (stale) => {
      renewals.push(stale.accessToken);
      granted = next;
    },
  };
}

async function callApi(client: ApiClient, src: AccessSource) {
  const context = { signal: new AbortController().signal };
  return boundApi(client, src, 'read:store', context, await src.ensureAccess('read:store', context));
}

describe('requests as CONTRACT §4 documents them', () => {
  it('sends the token alone (no store header) and unwraps {data}', async () => {
    const client = await serve(() => ({ body: { data: STORE } }));
    expect(await client.bind(good).getStore()).toEqual(STORE);
    const [sent] = api!.received;
    expect(sent).toMatchObject({ method: 'GET', url: '/v1/store' });
    expect(sent!.headers.authorization).toBe(`Bearer ${good.accessToken}`);
    expect(Object.keys(sent!.headers).filter((h) => h.includes('store'))).toEqual([]);
  });

  it('products: the documented filter names, brackets and comma lists included', async () => {
    const client = await serve(() => pageOf([PRODUCT]));
    const page = await client.bind(good).listProducts({
      search: 'chile & café',
      status: 'all',
      category_id: '104728193650,104728193651',
      is_featured: true,
      'price[gte]': 10,
      'price[lte]': 99.5,
      stock_status: 'low_stock',
      sort: 'price',
      order: 'asc',
      page: 2,
      per_page: 5,
    });
    expect(page.data).toEqual([PRODUCT]);
    const url = new URL(api!.received[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v1/products');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      search: 'chile & café',
      status: 'all',
      category_id: '104728193650,104728193651',
      is_featured: 'true',
      'price[gte]': '10',
      'price[lte]': '99.5',
      stock_status: 'low_stock',
      sort: 'price',
      order: 'asc',
      page: '2',
      per_page: '5',
    });
  });

  it('orders: date_from/date_to, total ranges, status lists; an order changes by PATCH /orders/{id}', async () => {
    const order = { id: '819365047283', order_number: 1042, status: 'confirmed', payment_status: 'paid', total: 5200, created_at: '2026-03-13T01:13:19Z' };
    const client = await serve((req) => (req.method === 'PATCH' ? { body: { data: order } } : pageOf([order])));
    const bound = client.bind(good);
    await bound.listOrders({ status: 'pending,confirmed', payment_status: 'paid', date_from: '2026-09-01T06:00:00.000Z', 'total[gte]': 100 });
    expect(Object.fromEntries(new URL(api!.received[0]!.url, 'http://x').searchParams)).toEqual({
      status: 'pending,confirmed',
      payment_status: 'paid',
      date_from: '2026-09-01T06:00:00.000Z',
      'total[gte]': '100',
    });
    expect(await bound.updateOrder(order.id, { status: 'confirmed' })).toEqual(order);
    await bound.updateOrder(order.id, { payment_status: 'paid' });
    expect(api!.received.slice(1).map((r) => [r.method, r.url, r.body])).toEqual([
      ['PATCH', '/v1/orders/819365047283', { status: 'confirmed' }],
      ['PATCH', '/v1/orders/819365047283', { payment_status: 'paid' }],
    ]);
  });

  it('inventory lives at /inventory/products/{id}; a change is PATCH {quantity: signed delta, reason}', async () => {
    const client = await serve((req) => ({ body: { data: req.method === 'PATCH' ? { ...INVENTORY, stock_quantity: 1 } : INVENTORY } }));
    const bound = client.bind(good);
    expect((await bound.getInventory(INVENTORY.product_id)).stock_quantity).toBe(3);
    expect((await bound.changeStock(INVENTORY.product_id, { quantity: -2, reason: 'sold at the market' })).stock_quantity).toBe(1);
    expect(api!.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/v1/inventory/products/472819365047', undefined],
      ['PATCH', '/v1/inventory/products/472819365047', { quantity: -2, reason: 'sold at the market' }],
    ]);
  });

  it('counts read {"data":{"count":N}}; a delete {"data":{"deleted":true}} with no id', async () => {
    const client = await serve((req) => ({ body: { data: req.method === 'DELETE' ? { deleted: true } : { count: 57 } } }));
    const bound = client.bind(good);
    expect(await bound.countProducts({ status: 'inactive' })).toBe(57);
    expect(await bound.countOrders()).toBe(57);
    expect(await bound.countCustomers()).toBe(57);
    expect(await bound.deleteProduct(PRODUCT.id)).toEqual({ deleted: true });
    expect(api!.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/products/count?status=inactive',
      'GET /v1/orders/count',
      'GET /v1/customers/count',
      'DELETE /v1/products/472819365047',
    ]);
  });

  it('reaches an API base on an IPv6 literal, under its own path', async () => {
    const seen: { url?: string; host?: string } = {};
    const server = createHttpServer((req, res) => {
      Object.assign(seen, { url: req.url, host: req.headers.host });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: [], pagination: { page: 1, per_page: 5, total: 0, total_pages: 0 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const v6 = createApiClient({ apiBase: new URL(`http://[::1]:${port}/whatalo/v1/`) });
      await v6.bind(good).listProducts({ per_page: 5, search: 'chile' });
      expect(seen).toEqual({ url: '/whatalo/v1/products?per_page=5&search=chile', host: `[::1]:${port}` });
    } finally {
      server.close();
    }
  });

  it('keeps an id inside its collection: "..", slashes and query characters are encoded', async () => {
    const client = await serve(() => apiError(404, 'NOT_FOUND', 'Product not found'));
    for (const id of ['..', '../store', 'x?status=all', 'a/b']) await failure(client.bind(good).getProduct(id));
    expect(api!.received.map((r) => r.url)).toEqual([
      '/v1/products/%2E%2E',
      '/v1/products/%2E%2E%2Fstore',
      '/v1/products/x%3Fstatus%3Dall',
      '/v1/products/a%2Fb',
    ]);
  });
});

describe('nested error bodies, read by HTTP status (CONTRACT V3)', () => {
  it('401 is AUTH_REQUIRED with the sign-in hint and the API message', async () => {
    const client = await serve(() => apiError(401, 'UNAUTHORIZED', 'Invalid or expired token'));
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('AUTH_REQUIRED');
    expect(error.toUserText()).toBe(
      'Whatalo no longer accepts this sign-in (the access was revoked or has expired): Invalid or expired token. Run `whatalo-mcp login` to sign in again.',
    );
  });

  it('403 for a missing scope is INSUFFICIENT_SCOPE naming the scope, whatever the code is called', async () => {
    const client = await serve(() => apiError(403, 'FORBIDDEN', 'This token requires the write:products scope'));
    const error = await failure(client.bind(good).createProduct({ name: 'x', price: 1 }));
    expect(error.code).toBe('INSUFFICIENT_SCOPE');
    expect(error.message).toBe(
      `Whatalo refused the request: the sign-in for store ${good.storeId} lacks the permission write:products: This token requires the write:products scope`,
    );
    expect(apiDetails(error)).toMatchObject({ status: 403, apiCode: 'FORBIDDEN', requiredScope: 'write:products' });
  });

  it("403 FEATURE_ACCESS_DENIED is the plan gate: its own code, naming the feature and the store's plan, not a bare HTTP 403", async () => {
    const client = await serve(() =>
      apiError(403, 'FEATURE_ACCESS_DENIED', 'Your plan does not include inventory management', { feature: 'inventory_management' }),
    );
    const error = await failure(client.bind(good).updateProduct(PRODUCT.id, { price: 2 }));
    expect(error.code).toBe('FEATURE_NOT_IN_PLAN');
    expect(error.message).toBe(
      `The plan of store ${good.storeId} does not include inventory_management, so Whatalo refused the request: ` +
        'Your plan does not include inventory management',
    );
    expect(error.toUserText()).toMatch(/Upgrade the store's plan/);
    expect(error.message).not.toMatch(/HTTP 403/);
  });

  it('404 names the record and the store', async () => {
    const client = await serve(() => apiError(404, 'NOT_FOUND', 'Product not found'));
    const error = await failure(client.bind(good).getProduct('999999999999'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`product '999999999999' not found in store ${good.storeId}`);
  });

  it('422 VALIDATION_ERROR lists each refused field from details', async () => {
    const client = await serve(() =>
      apiError(422, 'VALIDATION_ERROR', 'Invalid request body', [
        { field: 'name', message: 'is required' },
        { field: 'price', message: 'must be at least 0' },
      ]),
    );
    const error = await failure(client.bind(good).createProduct({ name: '', price: -1 }));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('Whatalo refused the request: name is required; price must be at least 0');
    expect(apiDetails(error)?.fieldErrors).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'price', message: 'must be at least 0' },
    ]);
  });

  it('422 without field details shows the API message', async () => {
    const client = await serve(() => apiError(422, 'INVALID_TRANSITION', "Cannot change status from 'completed' to 'cancelled'"));
    const error = await failure(client.bind(good).updateOrder('819365047283', { status: 'cancelled' }));
    expect(error.message).toBe("Whatalo refused the request: Cannot change status from 'completed' to 'cancelled'");
  });

  it('never puts the token into an error', async () => {
    const client = await serve(() => apiError(404, 'NOT_FOUND', 'nope'));
    const error = await failure(client.bind(good).getProduct('1'));
    expect(JSON.stringify({ m: error.message, d: error.details, h: error.hint })).not.toContain(good.accessToken);
  });
});

describe('429: Retry-After, or X-RateLimit-Reset as a Unix time (CONTRACT V4)', () => {
  it('waits for Retry-After and then succeeds', async () => {
    const client = await serve((_req, n) =>
      n === 1 ? { ...apiError(429, 'RATE_LIMITED', 'Too many requests'), headers: { 'retry-after': '0' } } : { body: { data: STORE } },
    );
    expect((await client.bind(good).getStore()).id).toBe(good.storeId);
    expect(api!.count('GET', '/v1/store')).toBe(2);
  });

  it('reads X-RateLimit-Reset as a Unix time, not as seconds from now', () => {
    const now = 1_790_000_000_000;
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });
    expect(rateLimitWaitMs(headers({ 'x-ratelimit-reset': String(now / 1000 + 7) }), now)).toBe(7000);
    expect(rateLimitWaitMs(headers({ 'x-ratelimit-reset': String(now / 1000 - 5) }), now)).toBe(0);
    expect(rateLimitWaitMs(headers({ 'retry-after': '3', 'x-ratelimit-reset': String(now / 1000 + 60) }), now)).toBe(3000);
    expect(rateLimitWaitMs(headers({}), now)).toBeUndefined();
  });

  it('a reset past the wait budget is RATE_LIMITED at once, saying when it resets', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    const client = await serve(() => ({
      ...apiError(429, 'RATE_LIMITED', 'Rate limit exceeded'),
      headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    }));
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toMatch(new RegExp(`^Whatalo's rate limit for store ${good.storeId} was reached; it resets in (29|30|31) s\\.$`));
    expect(api!.count('GET', '/v1/store')).toBe(1);
  });

  it('retries 429 at most twice', async () => {
    const client = await serve(() => ({ ...apiError(429, 'RATE_LIMITED', 'slow down'), headers: { 'retry-after': '0' } }));
    expect((await failure(client.bind(good).getStore())).code).toBe('RATE_LIMITED');
    expect(api!.count('GET', '/v1/store')).toBe(3);
  });
});

describe('401: invalidate once, retry once through the source', () => {
  const onlyGood: Route = (req) =>
    req.headers.authorization === `Bearer ${good.accessToken}` ? { body: { data: STORE } } : apiError(401, 'UNAUTHORIZED', 'Invalid token');

  it('after a 401 asks the source for new credentials and succeeds with them', async () => {
    const client = await serve(onlyGood);
    const stale = { ...good, accessToken: 'A'.repeat(43) };
    const src = source(stale, good);
    expect((await (await callApi(client, src)).getStore()).id).toBe(good.storeId);
    expect(src.renewals).toEqual([stale.accessToken]);
  });

  it('a second 401 is AUTH_REQUIRED with the sign-in hint, after exactly two requests', async () => {
    const client = await serve(onlyGood);
    const stale = { ...good, accessToken: 'B'.repeat(43) };
    const src = source(stale, stale);
    const error = await failure((await callApi(client, src)).getStore());
    expect(error.code).toBe('AUTH_REQUIRED');
    expect(error.toUserText()).toMatch(/whatalo-mcp login/);
    expect(src.renewals).toHaveLength(1);
    expect(api!.count('GET', '/v1/store')).toBe(2);
  });
});

describe('retry policy, bounded; nothing without an idempotency key is sent twice (CONTRACT V6)', () => {
  it('retries a GET through 5xx answers and succeeds', async () => {
    const client = await serve((_req, n) => (n <= 2 ? apiError(503, 'UNAVAILABLE', 'busy') : { body: { data: STORE } }));
    expect((await client.bind(good).getStore()).id).toBe(good.storeId);
    expect(api!.count('GET', '/v1/store')).toBe(3);
  });

  it('gives up after 3 retries: "Whatalo is unreachable" with the status and attempts', async () => {
    const client = await serve(() => apiError(502, 'BAD_GATEWAY', 'upstream'));
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (HTTP 502, after 4 attempts).');
    expect(api!.count('GET', '/v1/store')).toBe(4);
  });

  it('never sends a create twice after a 5xx: it may have been applied', async () => {
    const client = await serve(() => apiError(500, 'INTERNAL_ERROR', 'oops'));
    const error = await failure(client.bind(good).createProduct({ name: 'Twice?', price: 1 }));
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.toUserText()).toMatch(/may or may not have been made: read the item back/);
    expect(api!.count('POST', '/v1/products')).toBe(1);
  });

  it('an inventory PATCH that times out is sent exactly once, and says it may or may not have been made', async () => {
    const client = await serve(() => ({ hang: true }), { timeoutMs: 300 });
    const error = await failure(client.bind(good).changeStock(INVENTORY.product_id, { quantity: -1, reason: 'sold' }));
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (no answer within 300 ms).');
    expect(error.toUserText()).toMatch(/may or may not have been made/);
    // Well past any backoff: still one request on the wire.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api!.count('PATCH', '/v1/inventory/products/472819365047')).toBe(1);
  });

  it('an inventory PATCH answered 503 is not sent again either', async () => {
    const client = await serve(() => apiError(503, 'UNAVAILABLE', 'busy'));
    const error = await failure(client.bind(good).changeStock(INVENTORY.product_id, { quantity: 5, reason: 'delivery' }));
    expect(error.toUserText()).toMatch(/may or may not have been made/);
    expect(api!.count('PATCH', '/v1/inventory/products/472819365047')).toBe(1);
  });

  it('a product PATCH (absolute fields) that times out is repeated', async () => {
    const client = await serve((_req, n) => (n === 1 ? { hang: true } : { body: { data: PRODUCT } }), { timeoutMs: 300 });
    expect((await client.bind(good).updateProduct(PRODUCT.id, { price: 89.5 })).price).toBe(89.5);
    expect(api!.count('PATCH', '/v1/products/472819365047')).toBe(2);
  });

  it('a closed port is "unreachable (connection refused)"', async () => {
    const port = await freePort();
    const closed = createApiClient({ apiBase: new URL(`http://127.0.0.1:${port}/v1`), retry: { baseMs: 1, maxServerRetries: 1 } });
    const error = await failure(closed.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (connection refused).');
  });

  it("a caller's abort ends the request at once as CANCELLED, without retries", async () => {
    const client = await serve(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = failure(client.bind(good, controller.signal).getStore());
    setTimeout(() => controller.abort(), 100);
    expect((await pending).code).toBe('CANCELLED');
    expect(api!.count('GET', '/v1/store')).toBe(1);
  });

  it("leaves no listener on the caller's signal, whatever the outcome", async () => {
    const client = await serve((req) => (req.url === '/v1/store' ? { body: { data: STORE } } : apiError(404, 'NOT_FOUND', 'no')));
    const controller = new AbortController();
    const bound = client.bind(good, controller.signal);
    await Promise.all(Array.from({ length: 20 }, () => bound.getStore()));
    await failure(bound.getProduct('1'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
