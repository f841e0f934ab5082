/**
 * API v1 access control over real HTTP: Bearer authentication (RFC 6750), per-scope
 * authorization, store isolation (the token alone selects the store), the plan gate, rate
 * limiting, the nested error body (CONTRACT V3) and request counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../../src/scopes.js';
import { API_ROUTES, call, expectError, first, sampleRequest, startApi, type ApiHarness } from './api-harness.js';

let api: ApiHarness;
let storeA: string;
let storeB: string;
beforeAll(async () => {
  api = await startApi();
  storeA = api.data.stores[0]!.id;
  storeB = api.data.stores[1]!.id;
});
afterAll(() => api.close());

/** A request that exercises each route, with ids of store A and a valid body for writes. */
const sample = (pattern: string, method: string) => sampleRequest(api.data.byStore.get(storeA)!, method, pattern);

describe('authentication (RFC 6750)', () => {
  it('refuses a request without a token: 401, a challenge with no error code, the nested V3 body', async () => {
    const reply = await call(api.base, 'GET', '/store');
    expectError(reply, 401, 'UNAUTHORIZED');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo"');
  });

  it('answers an unknown, revoked or malformed token with error="invalid_token"', async () => {
    const token = api.token();
    expect((await call(api.base, 'GET', '/store', { token })).status).toBe(200);
    api.revoke(token);
    for (const reply of [
      await call(api.base, 'GET', '/store', { token }),
      await call(api.base, 'GET', '/store', { token: 'x'.repeat(43) }),
      await call(api.base, 'GET', '/store', { headers: { authorization: 'Bearer two words' } }),
    ]) {
      expectError(reply, 401, 'INVALID_TOKEN');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo", error="invalid_token"');
    }
  });

  it('treats another scheme as no token', async () => {
    const reply = await call(api.base, 'GET', '/store', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expectError(reply, 401, 'UNAUTHORIZED');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo"');
  });

  it('refuses a token in the query string, even next to a valid header', async () => {
    const token = api.token();
    for (const reply of [await call(api.base, 'GET', `/store?access_token=${token}`), await call(api.base, 'GET', `/store?access_token=${token}`, { token })]) {
      expectError(reply, 401, 'UNAUTHORIZED');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="whatalo", error="invalid_request"/);
      expect(JSON.stringify(reply.body)).not.toContain(token);
    }
  });

  it('accepts the scheme name in any case (RFC 7235 §2.1)', async () => {
    const token = api.token();
    const reply = await call(api.base, 'GET', '/store', { headers: { authorization: `bearer ${token}` } });
    expect(reply.status).toBe(200);
  });
});

describe('scopes: each route needs its own scope, and write never implies read', () => {
  it.each(API_ROUTES.map((r) => [r.method, r.pattern, r.scope] as const))('%s %s needs %s', async (method, pattern, scope) => {
    const { path, body } = sample(pattern, method);
    const others = ALL_SCOPES.filter((s) => s !== scope);
    const reply = await call(api.base, method, path, { token: api.token(others), body });
    const error = expectError(reply, 403, 'INSUFFICIENT_SCOPE');
    expect(error.details).toEqual({ required_scope: scope });
    expect(reply.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);

    // With exactly that one scope, the call goes through.
    const ok = await call(api.base, method, path, { token: api.token([scope]), body });
    expect(ok.status, JSON.stringify(ok.body)).toBeLessThan(300);
  });

  const readable = (write: string) => API_ROUTES.some((r) => r.method === 'GET' && r.scope === write.replace('write:', 'read:'));
  it.each(ALL_SCOPES.filter((s) => s.startsWith('write:') && readable(s)))('%s alone cannot read', async (write) => {
    const read = write.replace('write:', 'read:') as Scope;
    const route = API_ROUTES.find((r) => r.scope === read && r.method === 'GET')!;
    const { path } = sample(route.pattern, 'GET');
    const reply = await call(api.base, 'GET', path, { token: api.token([write]) });
    expect(expectError(reply, 403, 'INSUFFICIENT_SCOPE').details.required_scope).toBe(read);
  });
});

describe('store isolation: a token sees exactly one store', () => {
  it('shows the token’s store and answers 404 for every id of another store', async () => {
    const token = api.token(ALL_SCOPES, 0);
    expect((await call(api.base, 'GET', '/store', { token })).body.data).toEqual(api.data.stores[0]);
    const b = api.data.byStore.get(storeB)!;
    const product = first(b.products);
    const before = structuredClone(product);
    const order = first(b.orders);
    const customer = first(b.customers);
    const category = first(b.categories);
    const discount = first(b.discounts);
    const cases: [string, string, string, string, unknown?][] = [
      ['GET', `/products/${product.id}`, 'product', product.id],
      ['PATCH', `/products/${product.id}`, 'product', product.id, { name: 'hijacked' }],
      ['DELETE', `/products/${product.id}`, 'product', product.id],
      ['GET', `/inventory/products/${product.id}`, 'product', product.id],
      ['PATCH', `/inventory/products/${product.id}`, 'product', product.id, { quantity: -1, reason: 'x' }],
      ['GET', `/customers/${customer.id}`, 'customer', customer.id],
      ['PATCH', `/customers/${customer.id}`, 'customer', customer.id, { name: 'hijacked' }],
      ['GET', `/orders/${order.id}`, 'order', order.id],
      ['GET', `/orders/${order.id}/items`, 'order', order.id],
      ['PATCH', `/orders/${order.id}`, 'order', order.id, { status: 'cancelled' }],
      ['GET', `/categories/${category.id}`, 'category', category.id],
      ['PATCH', `/categories/${category.id}`, 'category', category.id, { name: 'hijacked' }],
      ['DELETE', `/categories/${category.id}`, 'category', category.id],
      ['GET', `/discounts/${discount.id}`, 'discount', discount.id],
      ['DELETE', `/discounts/${discount.id}`, 'discount', discount.id],
    ];
    for (const [method, path, resource, id, body] of cases) {
      const reply = await call(api.base, method, path, { token, body });
      expect(expectError(reply, 404, 'NOT_FOUND').details).toEqual({ resource, id });
    }
    expect(b.products.get(product.id)).toEqual(before);
    // Lists filtered by the other store's ids are empty, not refused: no hint that they exist.
    const orders = await call(api.base, 'GET', `/orders?customer_id=${customer.id}`, { token });
    expect(orders.body.pagination.total).toBe(0);
    const products = await call(api.base, 'GET', `/products?status=all&category_id=${category.id}`, { token });
    expect(products.body.pagination.total).toBe(0);
  });

  it('takes the store from the token alone: a store header (undocumented) changes nothing', async () => {
    const token = api.token(ALL_SCOPES, 0);
    const reply = await call(api.base, 'GET', '/store', { token, headers: { 'x-whatalo-store-id': storeB } });
    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(storeA);
  });
});

describe('the plan gate (403 FEATURE_ACCESS_DENIED)', () => {
  it('refuses what the store’s plan lacks, with details {feature}, and changes nothing', async () => {
    const gated = api.data.byStore.get(api.data.stores[2]!.id)!;
    expect(gated.lacks).toEqual(['inventory', 'discounts']);
    const token = api.token(ALL_SCOPES, 2);
    const product = first(gated.products);
    const stock = product.stock_quantity;
    for (const [method, path, body, feature] of [
      ['PATCH', `/products/${product.id}`, { stock_quantity: 1 }, 'inventory'],
      ['POST', '/products', { name: 'Con stock', price: 1000, stock_quantity: 5 }, 'inventory'],
      ['PATCH', `/inventory/products/${product.id}`, { quantity: 1, reason: 'restock' }, 'inventory'],
      ['GET', '/discounts', undefined, 'discounts'],
      ['POST', '/discounts/validate', { code: 'BIENVENIDA10', order_total: 100 }, 'discounts'],
    ] as const) {
      const error = expectError(await call(api.base, method, path, { token, body }), 403, 'FEATURE_ACCESS_DENIED');
      expect(error.details).toEqual({ feature });
      expect(error.message).toMatch(/plan/);
    }
    expect(product.stock_quantity).toBe(stock);
    // What the plan has keeps working: the price, and reading the stock.
    expect((await call(api.base, 'PATCH', `/products/${product.id}`, { token, body: { price: 30000 } })).status).toBe(200);
    expect((await call(api.base, 'GET', `/inventory/products/${product.id}`, { token })).body.data.stock_quantity).toBe(stock);
  });
});

describe('envelope and routing', () => {
  it('answers an unknown path with a 404 envelope and a wrong method with 405 and Allow', async () => {
    const token = api.token();
    const missing = await call(api.base, 'GET', '/webhooks', { token });
    expect(expectError(missing, 404, 'NOT_FOUND').details).toEqual({ resource: 'endpoint', id: '/webhooks' });
    const wrong = await call(api.base, 'PUT', '/products', { token, body: {} });
    expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('GET, POST');
  });

  it('gives every answer a request id and the rate-limit headers', async () => {
    const token = api.token();
    const replies = [
      await call(api.base, 'GET', '/store', { token }),
      await call(api.base, 'GET', '/nope', { token }),
      await call(api.base, 'GET', '/store'),
      await call(api.base, 'POST', '/products', { token, body: {} }),
    ];
    const ids = new Set<string>();
    for (const reply of replies) {
      const id = reply.headers.get('x-request-id');
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      ids.add(id!);
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(reply.headers.get(name)).toMatch(/^\d+$/);
    }
    expect(ids.size).toBe(replies.length);
  });

  it('counts each request once under its route pattern', async () => {
    const token = api.token();
    const product = first(api.data.byStore.get(storeA)!.products);
    const key = 'GET /api/v1/products/:id';
    const before = api.counts.get(key) ?? 0;
    await call(api.base, 'GET', `/products/${product.id}`, { token });
    await call(api.base, 'GET', `/products/999999999999`, { token });
    await call(api.base, 'GET', `/products/${product.id}`);
    expect(api.counts.get(key)).toBe(before + 3);
  });
});

describe('rate limit', () => {
  it('allows `limit` calls per window, app and store, then 429 with Retry-After, until the window passes', async () => {
    const small = await startApi({ limit: 3, windowSeconds: 60 });
    try {
      const token = small.token(ALL_SCOPES, 0, 'client_a');
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const reply = await call(small.base, 'GET', '/store', { token });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('x-ratelimit-limit')).toBe('3');
        remaining.push(reply.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const limited = await call(small.base, 'GET', '/store', { token });
      const retryAfter = expectError(limited, 429, 'RATE_LIMITED').details.retry_after as number;
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('retry-after')).toBe(String(retryAfter));
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      // X-RateLimit-Reset is Unix time (CONTRACT V4): now + Retry-After, on the sandbox clock.
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.floor(small.now() / 1000) + retryAfter);

      // Another client's grant has its own budget.
      expect((await call(small.base, 'GET', '/store', { token: small.token(ALL_SCOPES, 0, 'client_b') })).status).toBe(200);

      small.advance(retryAfter * 1000);
      const again = await call(small.base, 'GET', '/store', { token });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('2');
    } finally {
      await small.close();
    }
  });
});

describe('request bodies never crash the handler', () => {
  it('refuses wrong content type (415), malformed JSON (400), non-object JSON (422), oversized (413)', async () => {
    const token = api.token();
    expectError(
      await call(api.base, 'POST', '/products', { token, raw: 'name=x&price=1', contentType: 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(await call(api.base, 'POST', '/products', { token, raw: '{"name": "x", ' }), 400, 'BAD_REQUEST');
    for (const raw of ['[]', 'null', '"text"', '42']) {
      const error = expectError(await call(api.base, 'POST', '/products', { token, raw }), 422, 'VALIDATION_ERROR');
      expect(error.details).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    }
    const big = JSON.stringify({ name: 'Demasiado grande', price: 1, description: 'y'.repeat(200_000) });
    expectError(await call(api.base, 'POST', '/products', { token, raw: big }), 413, 'PAYLOAD_TOO_LARGE');
    // Still serving, and nothing was created.
    const list = await call(api.base, 'GET', '/products?status=all&search=Demasiado', { token });
    expect(list.status).toBe(200);
    expect(list.body.pagination.total).toBe(0);
  });
});
