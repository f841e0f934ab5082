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
    const reply = await api('GET', '/store', { token, headers: { 'x-whatalo-store-id': storeA } });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ id: storeA, name: sb.stores[0]!.name, currency: 'MXN' });
    const other = await api('GET', '/store', { token: await tokenFor(['read:store'], storeB) });
    expect(other.body.data).toMatchObject({ id: storeB, currency: 'EUR' });
  });

  it('stops working once revoked (RFC 7009) or expired, with error="invalid_token"', async () => {
    const fresh = await signIn(sb, client, { scope: 'read:store', storeId: storeA });
    expect((await api('GET', '/store', { token: fresh.access_token })).status).toBe(200);
    // A refresh token is not an access token.
    expectError(await api('GET', '/store', { token: fresh.refresh_token }), 401, 'unauthorized');
    expect((await revoke(sb, fresh.access_token, client)).status).toBe(200);
    const revoked = await api('GET', '/store', { token: fresh.access_token });
    expectError(revoked, 401, 'unauthorized');
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
  it.each(ALL_SCOPES)('without %s, each route that needs it answers 403 with requiredScope', async (scope) => {
    const token = await tokenFor(ALL_SCOPES.filter((s) => s !== scope));
    const productId = await firstId(await tokenFor(ALL_SCOPES), 'products');
    const routes = API_ROUTES.filter((r) => r.scope === scope);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const path = route.pattern.replace(':product_id', productId).replace(':id', 'x_00000000');
      const body = route.method === 'POST' || route.method === 'PATCH' ? {} : undefined;
      const reply = await api(route.method, path, { token, body });
      expect(expectError(reply, 403, 'insufficient_scope').requiredScope).toBe(scope);
      expect(reply.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);
    }
  });

  it.each(ALL_SCOPES.filter((s) => s.startsWith('write:')))('%s alone does not read', async (write) => {
    const token = await tokenFor([write as Scope]);
    const read = write.replace('write:', 'read:');
    const route = API_ROUTES.find((r) => r.scope === read && r.method === 'GET' && !r.pattern.includes(':'));
    const path = route?.pattern ?? '/inventory/prd_00000000';
    expect(expectError(await api('GET', path, { token }), 403, 'insufficient_scope').requiredScope).toBe(read);
  });
});

describe('store isolation with real grants', () => {
  it('a token for store A gets 404 for every id of store B, and 403 when it names store B', async () => {
    const a = await tokenFor(ALL_SCOPES, storeA);
    const b = await tokenFor(ALL_SCOPES, storeB);
    const ids = {
      product: await firstId(b, 'products'),
      customer: await firstId(b, 'customers'),
      order: await firstId(b, 'orders', '&status=pending'),
      category: await firstId(b, 'categories'),
    };
    const attempts: [string, string, string, string, unknown?][] = [
      ['GET', `/products/${ids.product}`, 'product', ids.product],
      ['PATCH', `/products/${ids.product}`, 'product', ids.product, { price: 1 }],
      ['DELETE', `/products/${ids.product}`, 'product', ids.product],
      ['GET', `/inventory/${ids.product}`, 'product', ids.product],
      ['POST', `/inventory/${ids.product}/adjustments`, 'product', ids.product, { quantity: 5, reason: 'x' }],
      ['GET', `/customers/${ids.customer}`, 'customer', ids.customer],
      ['GET', `/orders/${ids.order}`, 'order', ids.order],
      ['PATCH', `/orders/${ids.order}/status`, 'order', ids.order, { status: 'cancelled' }],
      ['PATCH', `/categories/${ids.category}`, 'category', ids.category, { name: 'x' }],
    ];
    const before = (await api('GET', `/products/${ids.product}`, { token: b })).body.data;
    for (const [method, path, resourceType, resourceId, body] of attempts) {
      const reply = await api(method, path, { token: a, body });
      expect(expectError(reply, 404, 'not_found')).toMatchObject({ resourceType, resourceId });
    }
    // Nothing of store B changed.
    expect((await api('GET', `/products/${ids.product}`, { token: b })).body.data).toEqual(before);
    expect((await api('GET', `/orders/${ids.order}`, { token: b })).body.data.status).toBe('pending');

    expectError(await api('GET', '/products', { token: a, headers: { 'x-whatalo-store-id': storeB } }), 403, 'store_mismatch');
    expect((await api('GET', '/products', { token: b, headers: { 'x-whatalo-store-id': storeB } })).status).toBe(200);
  });
});

describe('reads and writes through real grants', () => {
  it('walks every page of products with consistent totals and refuses per_page above 100', async () => {
    const token = await tokenFor(['read:products']);
    const first = await api('GET', '/products?per_page=9', { token });
    const { total, total_pages } = first.body.pagination;
    expect(total).toBeGreaterThanOrEqual(50);
    const seen = new Set<string>();
    for (let page = 1; page <= total_pages; page++) {
      const reply = await api('GET', `/products?per_page=9&page=${page}`, { token });
      expect(reply.body.pagination).toEqual({ page, per_page: 9, total, total_pages });
      for (const p of reply.body.data) seen.add(p.id);
    }
    expect(seen.size).toBe(total);
    expect(expectError(await api('GET', '/products?per_page=101', { token }), 422, 'validation_failed').fieldErrors[0].field).toBe('per_page');
    const drafts = await api('GET', '/products?status=draft&per_page=100', { token });
    expect(drafts.body.data.length).toBeGreaterThan(0);
    expect(drafts.body.data.every((p: { status: string }) => p.status === 'draft')).toBe(true);
  });

  it('shows each write in a later read: product, category, inventory', async () => {
    const token = await tokenFor(['read:products', 'write:products', 'read:inventory', 'write:inventory']);
    const category = await api('POST', '/categories', { token, body: { name: 'Regalos corporativos' } });
    expect(category.status).toBe(201);
    const created = await api('POST', '/products', { token, body: { name: 'Canasta Navideña Mexicana', price: 1299.9, category_id: category.body.data.id } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect((await api('GET', `/products?category_id=${category.body.data.id}`, { token })).body.data.map((p: { id: string }) => p.id)).toEqual([id]);
    const cats = (await api('GET', '/categories?per_page=100', { token })).body.data as { id: string; product_count: number }[];
    expect(cats.find((c) => c.id === category.body.data.id)!.product_count).toBe(1);

    const adjusted = await api('POST', `/inventory/${id}/adjustments`, { token, body: { quantity: 25, reason: 'Primer lote', expected_quantity: 0 } });
    expect(adjusted.body.data).toMatchObject({ quantity: 25, previous_quantity: 0 });
    const conflict = expectError(
      await api('POST', `/inventory/${id}/adjustments`, { token, body: { quantity: -5, reason: 'venta', expected_quantity: 0 } }),
      409,
      'quantity_conflict',
    );
    expect(conflict.currentQuantity).toBe(25);
    expect(
      expectError(await api('POST', `/inventory/${id}/adjustments`, { token, body: { quantity: -26, reason: 'merma' } }), 422, 'validation_failed')
        .fieldErrors[0].field,
    ).toBe('quantity');
    expect((await api('GET', `/inventory/${id}`, { token })).body.data.quantity).toBe(25);

    const patched = await api('PATCH', `/products/${id}`, { token, body: { price: 1199.9 } });
    expect((await api('GET', `/products/${id}`, { token })).body.data.price).toBe(1199.9);
    expect(patched.body.data.updated_at >= created.body.data.updated_at).toBe(true);
    expect((await api('DELETE', `/products/${id}`, { token })).body).toEqual({ data: { id, deleted: true } });
    expectError(await api('GET', `/inventory/${id}`, { token }), 404, 'not_found');

    const bad = expectError(await api('POST', '/products', { token, body: { name: '', price: 10.999, size: 'L' } }), 422, 'validation_failed');
    expect(bad.fieldErrors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'price', 'size']);
  });

  it('moves an order along the whole state machine and refuses a jump', async () => {
    const token = await tokenFor(['read:orders', 'write:orders']);
    const id = await firstId(token, 'orders', '&status=pending&payment_status=pending');
    const forbidden = expectError(await api('PATCH', `/orders/${id}/status`, { token, body: { status: 'completed' } }), 422, 'validation_failed');
    expect(forbidden.fieldErrors[0]).toMatchObject({
      field: 'status',
      message: expect.stringContaining(`allowed next: ${ORDER_TRANSITIONS.pending.join(', ')}`),
    });
    for (const status of ['confirmed', 'in_progress', 'completed', 'returned'] as const) {
      const reply = await api('PATCH', `/orders/${id}/status`, { token, body: { status } });
      expect(reply.status).toBe(200);
      expect((await api('GET', `/orders/${id}`, { token })).body.data.status).toBe(status);
    }
    const order = (await api('GET', `/orders/${id}`, { token })).body.data;
    expect(order.payment_status).toBe('refunded');
    expect(
      expectError(await api('PATCH', `/orders/${id}/status`, { token, body: { status: 'pending' } }), 422, 'validation_failed').fieldErrors[0].message,
    ).toContain('is final');
  });

  it('survives hostile bodies and keeps answering', async () => {
    const token = await tokenFor(['read:products', 'write:products']);
    expectError(await api('POST', '/products', { token, raw: '{"name":' }), 400, 'invalid_request');
    expectError(await api('POST', '/products', { token, raw: 'name=x', contentType: 'text/plain' }), 415, 'unsupported_media_type');
    expectError(
      await api('POST', '/products', { token, raw: JSON.stringify({ name: 'x', price: 1, description: 'z'.repeat(100_000) }) }),
      413,
      'payload_too_large',
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
      const error = expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBe(error.retryAfter);
      expect(error.retryAfter).toBeGreaterThanOrEqual(1);
      expect(error.retryAfter).toBeLessThanOrEqual(30);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('4');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expectError(await call(small.apiBase, 'GET', '/store', { token: two }), 429, 'rate_limited');
      // Another app is counted apart.
      expect((await call(small.apiBase, 'GET', '/store', { token: other })).status).toBe(200);
      await small.advanceClock(error.retryAfter);
      const again = await call(small.apiBase, 'GET', '/store', { token: one });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('3');
    } finally {
      await small.close();
    }
  });
});
