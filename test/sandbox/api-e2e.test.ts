/**
 * API v1 end to end: real tokens from the sandbox AS (DCR, consent or auto-approve, PKCE
 * S256 code exchange), then API v1 over the same sandbox. Proves the AS and the API agree on
 * what a token stands for: its scopes, its one store, its lifetime and its revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, joinScopes, type Scope } from '../../src/scopes.js';
import { ORDER_TRANSITIONS } from '../../src/sandbox/data.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { register, revoke, signIn, type RegisteredClient } from './as-kit.js';
import { API_ROUTES, call, expectError } from './api-harness.js';

let sb: TestSandbox;
let client: RegisteredClient;
let storeA: string;
let storeB: string;
/** Access tokens by "store scopes", so each grant is made once. */
const tokens = new Map<string, string>();

async function tokenFor(scopes: readonly Scope[], store: string = storeA): Promise<string> {
  const key = `${store} ${joinScopes(scopes)}`;
  let token = tokens.get(key);
  if (!token) {
    token = (await signIn(sb, client, { scope: joinScopes(scopes), storeId: store })).access_token;
    tokens.set(key, token);
  }
  return token;
}

const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(sb.apiBase, method, path, options);

beforeAll(async () => {
  // No auto-approve: tokens come through the consent form, so each store can be chosen.
  sb = await startTestSandbox();
  client = await register(sb, { token_endpoint_auth_method: 'none', scope: joinScopes(ALL_SCOPES) });
  storeA = sb.stores[0]!.id;
  storeB = sb.stores[1]!.id;
});
afterAll(() => sb.close());

/** A real id from the token's own store, found through the API. */
async function firstId(token: string, list: string, query = ''): Promise<string> {
  const reply = await api('GET', `/${list}?per_page=1${query}`, { token });
  expect(reply.status).toBe(200);
  return reply.body.data[0].id as string;
}

describe('a token from the sandbox AS', () => {
  it('reads the store it was granted for, with its currency', async () => {
    const token = await tokenFor(ALL_SCOPES);
    const reply = await api('GET', '/store', { token });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ id: storeA, name: sb.stores[0]!.name, currency: 'MXN', country_code: 'MX' });
    const other = await api('GET', '/store', { token: await tokenFor(['read:store'], storeB) });
    expect(other.body.data).toMatchObject({ id: storeB, currency: 'DOP', country_code: 'DO' });
  });

  it('stops working once revoked (RFC 7009) or expired, with error="invalid_token"', async () => {
    const fresh = await signIn(sb, client, { scope: 'read:store', storeId: storeA });
    expect((await api('GET', '/store', { token: fresh.access_token })).status).toBe(200);
    // A refresh token is not an access token.
    expectError(await api('GET', '/store', { token: fresh.refresh_token }), 401, 'INVALID_TOKEN');
    expect((await revoke(sb, fresh.access_token, client)).status).toBe(200);
    const revoked = await api('GET', '/store', { token: fresh.access_token });
    expectError(revoked, 401, 'INVALID_TOKEN');
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer realm="whatalo", error="invalid_token"');

    const short = await signIn(sb, client, { scope: 'read:store', storeId: storeA });
    await sb.advanceClock(3601);
    const expired = await api('GET', '/store', { token: short.access_token });
    expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="whatalo", error="invalid_token"');
    tokens.clear(); // every cached token has expired with the clock
    const none = await api('GET', '/store');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="whatalo"');
  });
});

describe('scope isolation with real grants', () => {
  it.each(ALL_SCOPES.filter((s) => API_ROUTES.some((r) => r.scope === s)))('without %s, each route that needs it answers 403 with the scope', async (scope) => {
    const token = await tokenFor(ALL_SCOPES.filter((s) => s !== scope));
    const routes = API_ROUTES.filter((r) => r.scope === scope);
    for (const route of routes) {
      // Placeholder ids: the scope check comes before the record is looked up.
      const path = route.pattern.replace(/:[A-Za-z]+/, '472819365047');
      const body = route.method === 'POST' || route.method === 'PATCH' ? {} : undefined;
      const reply = await api(route.method, path, { token, body });
      expect(expectError(reply, 403, 'INSUFFICIENT_SCOPE').details).toEqual({ required_scope: scope });
      expect(reply.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);
    }
  });
});

describe('store isolation with real grants', () => {
  it('a token for store A gets 404 for every id of store B, whatever header it sends', async () => {
    const a = await tokenFor(ALL_SCOPES, storeA);
    const b = await tokenFor(ALL_SCOPES, storeB);
    const ids = {
      product: await firstId(b, 'products'),
      customer: await firstId(b, 'customers'),
      order: await firstId(b, 'orders', '&status=pending'),
      category: await firstId(b, 'categories'),
      discount: await firstId(b, 'discounts'),
    };
    const attempts: [string, string, string, string, unknown?][] = [
      ['GET', `/products/${ids.product}`, 'product', ids.product],
      ['PATCH', `/products/${ids.product}`, 'product', ids.product, { price: 1 }],
      ['DELETE', `/products/${ids.product}`, 'product', ids.product],
      ['GET', `/inventory/products/${ids.product}`, 'product', ids.product],
      ['PATCH', `/inventory/products/${ids.product}`, 'product', ids.product, { quantity: 5, reason: 'x' }],
      ['GET', `/customers/${ids.customer}`, 'customer', ids.customer],
      ['GET', `/orders/${ids.order}`, 'order', ids.order],
      ['PATCH', `/orders/${ids.order}`, 'order', ids.order, { status: 'cancelled' }],
      ['PATCH', `/categories/${ids.category}`, 'category', ids.category, { name: 'x' }],
      ['DELETE', `/discounts/${ids.discount}`, 'discount', ids.discount],
    ];
    const before = (await api('GET', `/products/${ids.product}`, { token: b })).body.data;
    for (const [method, path, resource, id, body] of attempts) {
      // A store header names store B: undocumented (V1), it changes nothing.
      const reply = await api(method, path, { token: a, body, headers: { 'x-whatalo-store-id': storeB } });
      expect(expectError(reply, 404, 'NOT_FOUND').details).toEqual({ resource, id });
    }
    // Nothing of store B changed.
    expect((await api('GET', `/products/${ids.product}`, { token: b })).body.data).toEqual(before);
    expect((await api('GET', `/orders/${ids.order}`, { token: b })).body.data.status).toBe('pending');
  });
});

describe('reads and writes through real grants', () => {
  it('walks every page of products with consistent totals and refuses per_page above 100', async () => {
    const token = await tokenFor(['read:products']);
    const first = await api('GET', '/products?status=all&per_page=9', { token });
    const { total, total_pages } = first.body.pagination;
    expect(total).toBeGreaterThanOrEqual(50);
    const seen = new Set<string>();
    for (let page = 1; page <= total_pages; page++) {
      const reply = await api('GET', `/products?status=all&per_page=9&page=${page}`, { token });
      expect(reply.body.pagination).toEqual({ page, per_page: 9, total, total_pages });
      for (const p of reply.body.data) seen.add(p.id);
    }
    expect(seen.size).toBe(total);
    expect((await api('GET', '/products/count?status=all', { token })).body).toEqual({ data: { count: total } });
    expect(expectError(await api('GET', '/products?per_page=101', { token }), 422, 'VALIDATION_ERROR').details[0].field).toBe('per_page');
    const hidden = await api('GET', '/products?status=inactive&per_page=100', { token });
    expect(hidden.body.data.length).toBeGreaterThan(0);
    expect(hidden.body.data.every((p: { is_active: boolean }) => !p.is_active)).toBe(true);
  });

  it('shows each write in a later read: product, category, inventory', async () => {
    const token = await tokenFor(['read:products', 'write:products', 'read:inventory', 'write:inventory']);
    const category = await api('POST', '/categories', { token, body: { name: 'Regalos corporativos' } });
    expect(category.status).toBe(201);
    const created = await api('POST', '/products', { token, body: { name: 'Canasta Navideña Mexicana', price: 1299.9, category_id: category.body.data.id } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect((await api('GET', `/products?category_id=${category.body.data.id}`, { token })).body.data.map((p: { id: string }) => p.id)).toEqual([id]);

    const adjusted = await api('PATCH', `/inventory/products/${id}`, { token, body: { quantity: 25, reason: 'Primer lote' } });
    expect(adjusted.body.data).toMatchObject({ product_id: id, stock_quantity: 25 });
    expect(
      expectError(await api('PATCH', `/inventory/products/${id}`, { token, body: { quantity: -26, reason: 'merma' } }), 422, 'VALIDATION_ERROR').details[0]
        .field,
    ).toBe('quantity');
    expect((await api('GET', `/inventory/products/${id}`, { token })).body.data.stock_quantity).toBe(25);

    const patched = await api('PATCH', `/products/${id}`, { token, body: { price: 1199.9 } });
    expect((await api('GET', `/products/${id}`, { token })).body.data.price).toBe(1199.9);
    expect(patched.body.data.updated_at >= created.body.data.updated_at).toBe(true);
    expect((await api('DELETE', `/products/${id}`, { token })).body).toEqual({ data: { deleted: true } });
    expectError(await api('GET', `/inventory/products/${id}`, { token }), 404, 'NOT_FOUND');

    const bad = expectError(await api('POST', '/products', { token, body: { name: '', price: 10.999, size: 'L' } }), 422, 'VALIDATION_ERROR');
    expect(bad.details.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'price', 'size']);
  });

  it('moves an order along the whole state machine and refuses a jump', async () => {
    const token = await tokenFor(['read:orders', 'write:orders']);
    const id = await firstId(token, 'orders', '&status=pending&payment_status=pending');
    const forbidden = expectError(await api('PATCH', `/orders/${id}`, { token, body: { status: 'completed' } }), 422, 'VALIDATION_ERROR');
    expect(forbidden.details[0]).toMatchObject({ field: 'status', message: expect.stringContaining(`allowed next: ${ORDER_TRANSITIONS.pending.join(', ')}`) });
    for (const status of ['confirmed', 'in_progress', 'completed', 'returned'] as const) {
      const reply = await api('PATCH', `/orders/${id}`, { token, body: { status } });
      expect(reply.status).toBe(200);
      expect((await api('GET', `/orders/${id}`, { token })).body.data.status).toBe(status);
    }
    expect(expectError(await api('PATCH', `/orders/${id}`, { token, body: { status: 'pending' } }), 422, 'VALIDATION_ERROR').details[0].message).toContain(
      'is final',
    );
  });

  it('survives hostile bodies and keeps answering', async () => {
    const token = await tokenFor(['read:products', 'write:products']);
    expectError(await api('POST', '/products', { token, raw: '{"name":' }), 400, 'BAD_REQUEST');
    expectError(await api('POST', '/products', { token, raw: 'name=x', contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(
      await api('POST', '/products', { token, raw: JSON.stringify({ name: 'x', price: 1, description: 'z'.repeat(100_000) }) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect((await api('GET', '/products', { token })).status).toBe(200);
  });

  it('counts API calls by route in /sandbox/stats', async () => {
    const token = await tokenFor(['read:products']);
    const before = (await sb.stats()).requests['GET /api/v1/products/:id'] ?? 0;
    const id = await firstId(token, 'products');
    await api('GET', `/products/${id}`, { token });
    await api('GET', `/products/${id}`, { token });
    expect((await sb.stats()).requests['GET /api/v1/products/:id']).toBe(before + 2);
  });
});

describe('rate limit with real grants', () => {
  it('answers 429 with Retry-After past the limit, per app and store, until the sandbox clock moves on', async () => {
    const small = await startTestSandbox({ autoApprove: 'first', rateLimit: { limit: 4, windowSeconds: 30 } });
    try {
      const c = await register(small, { token_endpoint_auth_method: 'none' });
      const one = (await signIn(small, c, { scope: 'read:store' })).access_token;
      // A second grant of the same app shares the budget: new sign-ins do not buy more calls.
      const two = (await signIn(small, c, { scope: 'read:store' })).access_token;
      const other = (await signIn(small, await register(small, { token_endpoint_auth_method: 'none' }), { scope: 'read:store' })).access_token;
      for (let i = 0; i < 4; i++) expect((await call(small.apiBase, 'GET', '/store', { token: one })).status).toBe(200);
      const limited = await call(small.apiBase, 'GET', '/store', { token: one });
      const retryAfter = expectError(limited, 429, 'RATE_LIMITED').details.retry_after as number;
      expect(Number(limited.headers.get('retry-after'))).toBe(retryAfter);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('4');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      // X-RateLimit-Reset is the Unix time the window ends (V4).
      const reset = Number(limited.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 31);
      expectError(await call(small.apiBase, 'GET', '/store', { token: two }), 429, 'RATE_LIMITED');
      // Another app is counted apart.
      expect((await call(small.apiBase, 'GET', '/store', { token: other })).status).toBe(200);
      await small.advanceClock(retryAfter);
      const again = await call(small.apiBase, 'GET', '/store', { token: one });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('3');
    } finally {
      await small.close();
    }
  });
});
