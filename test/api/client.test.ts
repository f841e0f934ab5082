/**
 * The API v1 client against the real sandbox over HTTP, with real tokens from its AS:
 * typed answers, errors that name the store and the field, the 401 → invalidate → one retry
 * rule of the call path (src/server/call.ts), and the bounded retry policy (CONTRACT V7) driven by the sandbox's fault injection,
 * counted by how many requests reached it (`matched`), never by time.
 */
import { getEventListeners } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, type Credentials, createApiClient } from '../../src/api/client.js';
import { apiDetails, isWhataloError, type WhataloError } from '../../src/errors.js';
import { ALL_SCOPES } from '../../src/scopes.js';
import type { AccessSource } from '../../src/server/access.js';
import { boundApi } from '../../src/server/call.js';
import { clearFaults, listFaults, setFaults } from '../helpers/faults.js';
import { freePort } from '../helpers/ports.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { register, signIn } from '../sandbox/as-kit.js';

let sb: TestSandbox;
let good: Credentials;
let client: ApiClient;

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

/** The store API as one tool call sees it: bound to the source's access, renewing on a 401. */
async function callApi(src: AccessSource) {
  const context = { signal: new AbortController().signal };
  return boundApi(client, src, 'read:store', context, await src.ensureAccess('read:store', context));
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

async function attempts(): Promise<number> {
  return (await listFaults(sb.issuer)).reduce((n, f) => n + f.matched, 0);
}

beforeAll(async () => {
  sb = await startTestSandbox();
  const registered = await register(sb);
  const tokens = await signIn(sb, registered, { scope: ALL_SCOPES.join(' ') });
  good = { accessToken: tokens.access_token, storeId: sb.stores[0]!.id };
  client = createApiClient({ apiBase: new URL(sb.apiBase), retry: { baseMs: 1 } });
});
afterEach(() => clearFaults(sb.issuer));
afterAll(() => sb.close());

describe('typed endpoints', () => {
  it('reads the store of the token and pages products with the API totals', async () => {
    const api = client.bind(good);
    expect((await api.getStore()).id).toBe(good.storeId);
    const page = await api.listProducts({ per_page: 5, page: 2 });
    expect(page.data).toHaveLength(5);
    expect(page.pagination).toMatchObject({ page: 2, per_page: 5 });
    const one = await api.getProduct(page.data[0]!.id);
    expect(one).toEqual(page.data[0]);
  });

  it("sends X-Whatalo-Store-Id: naming another store than the token's is refused by the API", async () => {
    const api = client.bind({ ...good, storeId: sb.stores[1]!.id });
    const error = await failure(api.getStore());
    expect(error.code).toBe('API_ERROR');
    expect(error.details).toMatchObject({ status: 403, apiCode: 'store_mismatch' });
  });

  it('reaches an API base on an IPv6 literal, under its own path, with the query encoded', async () => {
    const seen: { url?: string; host?: string } = {};
    const server = createHttpServer((req, res) => {
      Object.assign(seen, { url: req.url, host: req.headers.host });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: [], pagination: { page: 1, per_page: 5, total: 0, total_pages: 0 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const v6 = createApiClient({ apiBase: new URL(`http://[::1]:${port}/whatalo/api/v1/`) });
      await v6.bind(good).listProducts({ per_page: 5, q: 'chile & café' });
      expect(seen).toEqual({ url: '/whatalo/api/v1/products?per_page=5&q=chile+%26+caf%C3%A9', host: `[::1]:${port}` });
    } finally {
      server.close();
    }
  });

  it('keeps an id inside its collection: "..", slashes and query characters are encoded', async () => {
    const api = client.bind(good);
    for (const id of ['..', '../store', 'x?status=draft', 'a/b']) {
      const error = await failure(api.getProduct(id));
      expect(error.code).toBe('NOT_FOUND');
    }
  });
});

describe('errors a person can act on', () => {
  it('404 names the resource and the store, and keeps the requestId for the log', async () => {
    const error = await failure(client.bind(good).getProduct('prd_missing'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`product 'prd_missing' not found in store ${good.storeId}`);
    expect(apiDetails(error)?.requestId).toEqual(expect.any(String));
  });

  it('422 lists each refused field', async () => {
    const error = await failure(client.bind(good).createProduct({ name: '', price: 1.234 }));
    expect(error.code).toBe('VALIDATION');
    const fields = apiDetails(error)!
      .fieldErrors!.map((e) => e.field)
      .sort();
    expect(fields).toEqual(['name', 'price']);
    expect(error.message).toMatch(/^Whatalo refused the request: .*price must have at most two decimals/);
  });

  it('409 quantity_conflict gives the current quantity and changes nothing', async () => {
    const api = client.bind(good);
    const product = (await api.listProducts({ per_page: 1 })).data[0]!;
    const before = await api.getInventory(product.id);
    const error = await failure(api.adjustInventory(product.id, { quantity: 1, reason: 'test', expected_quantity: before.quantity + 7 }));
    expect(error.code).toBe('VALIDATION');
    expect(apiDetails(error)?.currentQuantity).toBe(before.quantity);
    expect(error.message).toBe(`Stock is ${before.quantity}, not the expected ${before.quantity + 7}; nothing was adjusted.`);
    expect((await api.getInventory(product.id)).quantity).toBe(before.quantity);
  });

  it('never puts the token into an error', async () => {
    const error = await failure(client.bind(good).getProduct('prd_missing'));
    expect(JSON.stringify({ m: error.message, d: error.details, h: error.hint })).not.toContain(good.accessToken);
  });
});

describe('401: invalidate once, retry once through the source', () => {
  it('after a 401 asks the source for new credentials and succeeds with them', async () => {
    const stale = { ...good, accessToken: 'A'.repeat(43) };
    const src = source(stale, good);
    expect((await (await callApi(src)).getStore()).id).toBe(good.storeId);
    expect(src.renewals).toEqual([stale.accessToken]);
  });

  it('a second 401 is AUTH_REQUIRED with the sign-in hint, after exactly two requests', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', latency_ms: 1 }]);
    const stale = { ...good, accessToken: 'B'.repeat(43) };
    const src = source(stale, stale);
    const error = await failure((await callApi(src)).getStore());
    expect(error.code).toBe('AUTH_REQUIRED');
    expect(error.toUserText()).toMatch(/whatalo-mcp login/);
    expect(src.renewals).toHaveLength(1);
    expect(await attempts()).toBe(2);
  });
});

describe('retry policy (CONTRACT V7), bounded', () => {
  it('retries a GET through 5xx answers and succeeds', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', status: 503, count: 2 }]);
    expect((await client.bind(good).getStore()).id).toBe(good.storeId);
    expect(await attempts()).toBe(3);
  });

  it('gives up after 3 retries: "Whatalo is unreachable" with the status and attempts', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', status: 502 }]);
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (HTTP 502, after 4 attempts).');
    expect(await attempts()).toBe(4);
  });

  it('never sends a POST twice after a 5xx: it may have been applied', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/products', method: 'POST', status: 500 }]);
    const error = await failure(client.bind(good).createProduct({ name: 'Twice?', price: 1 }));
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.toUserText()).toMatch(/may or may not have been made: read the item back/);
    expect(await attempts()).toBe(1);
  });

  it('retries dropped connections for a GET, then says what happened', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', drop: true }]);
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toMatch(/^Whatalo is unreachable \(.+\)\.$/);
    expect(await attempts()).toBe(4);
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 1, count: 1 }]);
    expect((await client.bind(good).getStore()).id).toBe(good.storeId);
    expect(await attempts()).toBe(2);
  });

  it('does not wait past its 10 s budget: a long Retry-After is RATE_LIMITED at once', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 30 }]);
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe(`Whatalo's rate limit for store ${good.storeId} was reached; it resets in 30 s.`);
    expect(await attempts()).toBe(1);
  });

  it('retries 429 at most twice', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', retry_after: 0 }]);
    const error = await failure(client.bind(good).getStore());
    expect(error.code).toBe('RATE_LIMITED');
    expect(await attempts()).toBe(3);
  });

  it('a closed port is "unreachable (connection refused)"', async () => {
    const port = await freePort();
    const closed = createApiClient({ apiBase: new URL(`http://127.0.0.1:${port}/api/v1`), retry: { baseMs: 1, maxServerRetries: 1 } });
    const error = await failure(closed.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (connection refused).');
  });

  it("a caller's abort ends the request at once as CANCELLED, without retries", async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', latency_ms: 20_000 }]);
    const controller = new AbortController();
    const pending = failure(client.bind(good, controller.signal).getStore());
    setTimeout(() => controller.abort(), 100);
    const error = await pending;
    expect(error.code).toBe('CANCELLED');
    expect(await attempts()).toBe(1);
  });

  it('an abort in the first moments of a request, before it is watched (src/net/watch.ts), still ends it as CANCELLED', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', latency_ms: 20_000 }]);
    const controller = new AbortController();
    const pending = failure(client.bind(good, controller.signal).getStore());
    setTimeout(() => controller.abort(), 5);
    const error = await pending;
    expect(error.code).toBe('CANCELLED');
    expect(await attempts()).toBe(1);
  });

  it('an attempt with no answer within the bound is retried for a GET, then "no answer within N s"', async () => {
    await setFaults(sb.issuer, [{ path: '/api/v1/store', latency_ms: 20_000 }]);
    const slow = createApiClient({ apiBase: new URL(sb.apiBase), timeoutMs: 1000, retry: { baseMs: 1, maxServerRetries: 1 } });
    const error = await failure(slow.bind(good).getStore());
    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toBe('Whatalo is unreachable (no answer within 1 s).');
    expect(await attempts()).toBe(2);
  });

  it("leaves no listener on the caller's signal, whatever the outcome", async () => {
    const controller = new AbortController();
    const api = client.bind(good, controller.signal);
    await Promise.all(Array.from({ length: 20 }, () => api.getStore()));
    await failure(api.getProduct('prd_nope'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
