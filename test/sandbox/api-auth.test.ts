/**
 * API v1 access control over real HTTP: Bearer authentication (RFC 6750), per-scope
 * authorization, store isolation, rate limiting, the error envelope and request counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../../src/scopes.js';
import { API_ROUTES, call, expectError, startApi, type ApiHarness } from './api-harness.js';

let api: ApiHarness;
let storeA: string;
let storeB: string;
beforeAll(async () => {
  api = await startApi();
  storeA = api.data.stores[0]!.id;
  storeB = api.data.stores[1]!.id;
});
afterAll(() => api.close());

const first = <T>(m: Map<string, T>): T => m.values().next().value!;

/** A request that exercises each route, with ids of store A and a valid body for writes. */
function sample(pattern: string, method: string) {
  const a = api.data.byStore.get(storeA)!;
  const product = [...a.products.values()].find((p) => p.status === 'active')!;
  const pending = [...a.orders.values()].find((o) => o.status === 'pending')!;
  const path = pattern
    .replace(':product_id', product.id)
    .replace(
      ':id',
      pattern.startsWith('/orders')
        ? pending.id
        : pattern.startsWith('/customers')
          ? first(a.customers).id
          : pattern.startsWith('/categories')
            ? first(a.categories).id
            : product.id,
    );
  const bodies: Record<string, unknown> = {
    'POST /products': { name: 'Prueba de alcance', price: 10 },
    'PATCH /products/:id': { description: 'scope check' },
    'POST /categories': { name: `Categoría ${Math.random()}` },
    'PATCH /categories/:id': { description: 'scope check' },
    'POST /inventory/:product_id/adjustments': { quantity: 1, reason: 'scope check' },
    'PATCH /orders/:id/status': { status: 'confirmed' },
  };
  return { path, body: method === 'GET' || method === 'DELETE' ? undefined : bodies[`${method} ${pattern}`] };
}

describe('authentication (RFC 6750)', () => {
  it('refuses a request without a token: 401, a challenge with no error code, the V6 envelope', async () => {
    const reply = await call(api.base, 'GET', '/store');
    const body = expectError(reply, 401, 'unauthorized');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo"');
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId', 'statusCode']);
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
      expectError(reply, 401, 'unauthorized');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo", error="invalid_token"');
    }
  });

  it('treats another scheme as no token', async () => {
    const reply = await call(api.base, 'GET', '/store', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expectError(reply, 401, 'unauthorized');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="whatalo"');
  });

  it('refuses a token in the query string, even next to a valid header', async () => {
    const token = api.token();
    for (const reply of [await call(api.base, 'GET', `/store?access_token=${token}`), await call(api.base, 'GET', `/store?access_token=${token}`, { token })]) {
      expectError(reply, 401, 'unauthorized');
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
    const error = expectError(reply, 403, 'insufficient_scope');
    expect(error.requiredScope).toBe(scope);
    expect(reply.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);

    // With exactly that one scope, the call goes through.
    const ok = await call(api.base, method, path, { token: api.token([scope]), body });
    expect(ok.status, JSON.stringify(ok.body)).toBeLessThan(300);
  });

  it.each(ALL_SCOPES.filter((s) => s.startsWith('write:')))('%s alone cannot read', async (write) => {
    const read = write.replace('write:', 'read:') as Scope;
    const route = API_ROUTES.find((r) => r.scope === read && r.method === 'GET')!;
    const { path } = sample(route.pattern, 'GET');
    const reply = await call(api.base, 'GET', path, { token: api.token([write]) });
    expect(expectError(reply, 403, 'insufficient_scope').requiredScope).toBe(read);
  });
});

describe('store isolation: a token sees exactly one store', () => {
  it('shows the token’s store and answers 404 for every id of the other store', async () => {
    const token = api.token(ALL_SCOPES, 0);
    expect((await call(api.base, 'GET', '/store', { token })).body.data).toEqual(api.data.stores[0]);
    const b = api.data.byStore.get(storeB)!;
    const product = first(b.products);
    const before = structuredClone(product);
    const cases: [string, string, string, string, unknown?][] = [
      ['GET', `/products/${product.id}`, 'product', product.id],
      ['PATCH', `/products/${product.id}`, 'product', product.id, { name: 'hijacked' }],
      ['DELETE', `/products/${product.id}`, 'product', product.id],
      ['GET', `/inventory/${product.id}`, 'product', product.id],
      ['POST', `/inventory/${product.id}/adjustments`, 'product', product.id, { quantity: -1, reason: 'x' }],
      ['GET', `/customers/${first(b.customers).id}`, 'customer', first(b.customers).id],
      ['GET', `/orders/${first(b.orders).id}`, 'order', first(b.orders).id],
      ['PATCH', `/orders/${first(b.orders).id}/status`, 'order', first(b.orders).id, { status: 'cancelled' }],
      ['PATCH', `/categories/${first(b.categories).id}`, 'category', first(b.categories).id, { name: 'hijacked' }],
    ];
    for (const [method, path, resourceType, resourceId, body] of cases) {
      const reply = await call(api.base, method, path, { token, body });
      const error = expectError(reply, 404, 'not_found');
      expect({ resourceType: error.resourceType, resourceId: error.resourceId }).toEqual({ resourceType, resourceId });
    }
    expect(b.products.get(product.id)).toEqual(before);
    // Lists filtered by the other store's ids are empty, not refused: no hint that they exist.
    const orders = await call(api.base, 'GET', `/orders?customer_id=${first(b.customers).id}`, { token });
    expect(orders.body.pagination.total).toBe(0);
    const products = await call(api.base, 'GET', `/products?category_id=${first(b.categories).id}`, { token });
    expect(products.body.pagination.total).toBe(0);
  });

  it('refuses X-Whatalo-Store-Id naming another store with 403 store_mismatch', async () => {
    const token = api.token(ALL_SCOPES, 0);
    expectError(await call(api.base, 'GET', '/products', { token, headers: { 'x-whatalo-store-id': storeB } }), 403, 'store_mismatch');
    expectError(await call(api.base, 'GET', '/products', { token, headers: { 'x-whatalo-store-id': 'str_nonexist' } }), 403, 'store_mismatch');
    expect((await call(api.base, 'GET', '/products', { token, headers: { 'x-whatalo-store-id': storeA } })).status).toBe(200);
  });
});

describe('envelope and routing', () => {
  it('answers an unknown path with a 404 envelope and a wrong method with 405 and Allow', async () => {
    const token = api.token();
    const missing = await call(api.base, 'GET', '/discounts', { token });
    expect(expectError(missing, 404, 'not_found')).toMatchObject({ resourceType: 'endpoint', resourceId: '/discounts' });
    const wrong = await call(api.base, 'PUT', '/products', { token, body: {} });
    expectError(wrong, 405, 'method_not_allowed');
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
    await call(api.base, 'GET', `/products/prd_missing0`, { token });
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
      const error = expectError(limited, 429, 'rate_limited');
      expect(error.retryAfter).toBeGreaterThan(0);
      expect(error.retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('retry-after')).toBe(String(error.retryAfter));
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('x-ratelimit-reset')).toBe(String(error.retryAfter));

      // Another client's grant has its own budget.
      expect((await call(small.base, 'GET', '/store', { token: small.token(ALL_SCOPES, 0, 'client_b') })).status).toBe(200);

      small.advance(error.retryAfter * 1000);
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
      'unsupported_media_type',
    );
    expectError(await call(api.base, 'POST', '/products', { token, raw: '{"name": "x", ' }), 400, 'invalid_request');
    for (const raw of ['[]', 'null', '"text"', '42']) {
      const error = expectError(await call(api.base, 'POST', '/products', { token, raw }), 422, 'validation_failed');
      expect(error.fieldErrors).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    }
    const big = JSON.stringify({ name: 'Demasiado grande', price: 1, description: 'y'.repeat(200_000) });
    expectError(await call(api.base, 'POST', '/products', { token, raw: big }), 413, 'payload_too_large');
    // Still serving, and nothing was created.
    const list = await call(api.base, 'GET', '/products?q=Demasiado', { token });
    expect(list.status).toBe(200);
    expect(list.body.pagination.total).toBe(0);
  });
});
