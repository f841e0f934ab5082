import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/sandbox/http.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { call, expectError, first, useSeededApi } from './api-harness.js';
import { authorizeRaw, postForm, redirectParams, register, useSandboxWithClient } from './as-kit.js';

async function post(sb: TestSandbox, path: string, contentType: string | undefined, body: NonNullable<RequestInit['body']>, init: RequestInit = {}) {
  const response = await fetch(`${sb.issuer}${path}`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
    ...init,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

describe('hostile input never crashes the sandbox', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });
  afterAll(async () => {
    // Whatever came before, the sandbox still answers.
    expect((await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });

  it('malformed JSON gets a clear 400', async () => {
    const reg = await post(sb, '/oauth/register', 'application/json', '{"redirect_uris": [');
    expect(reg.status).toBe(400);
    expect(reg.json).toMatchObject({ error: 'invalid_client_metadata', error_description: 'the body is not valid JSON' });
    const clock = await post(sb, '/sandbox/clock', 'application/json', 'not json');
    expect(clock.status).toBe(400);
    expect(clock.json).toMatchObject({ error: 'invalid_request', message: 'body is not valid JSON' });
    for (const body of ['null', '42', '"x"', '[]']) {
      expect((await post(sb, '/oauth/register', 'application/json', body)).json?.error).toBe('invalid_client_metadata');
    }
  });

  it('malformed forms get RFC 6749 errors, not crashes', async () => {
    const garbage = await post(sb, '/oauth/token', 'application/x-www-form-urlencoded', '%zz%%&&==&grant_type');
    expect(garbage.status).toBe(401);
    expect(garbage.json?.error).toBe('invalid_client');
    const binary = await post(sb, '/oauth/token', 'application/x-www-form-urlencoded', new Uint8Array([0xff, 0xfe, 0x00, 0x3d, 0x26]));
    expect(binary.json?.error).toBe('invalid_client');
    const badBasic = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, null, {
      authorization: 'Basic ' + Buffer.from('no-colon-here').toString('base64'),
    });
    expect(badBasic.status).toBe(401);
    const badEncoding = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, null, {
      authorization: 'Basic ' + Buffer.from('%E0%A4%A:secret').toString('base64'),
    });
    expect(badEncoding.status).toBe(401);
    expect(badEncoding.body).toMatchObject({ error: 'invalid_client' });
  });

  it('oversized bodies are 413, whether declared or streamed', async () => {
    const big = 'a='.padEnd(MAX_BODY_BYTES + 10, 'x');
    const declared = await post(sb, '/oauth/token', 'application/x-www-form-urlencoded', big);
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ error: 'invalid_request' });

    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES * 4) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const streamed = await post(sb, '/oauth/register', 'application/json', stream, { duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('wrong content types are refused clearly', async () => {
    const jsonToken = await post(sb, '/oauth/token', 'application/json', JSON.stringify({ grant_type: 'refresh_token' }));
    expect(jsonToken.status).toBe(400);
    expect(jsonToken.json).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/x-www-form-urlencoded/) });
    const noType = await post(sb, '/oauth/introspect', undefined, 'token=abc');
    expect(noType.json?.error).toBe('invalid_request');
    const formRegister = await post(sb, '/oauth/register', 'application/x-www-form-urlencoded', 'redirect_uris=http://127.0.0.1/cb');
    expect(formRegister.json).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/application\/json/) });
    const textClock = await post(sb, '/sandbox/clock', 'text/plain', '{"advance_seconds":1}');
    expect(textClock.status).toBe(415);
  });

  it('unknown grant types are unsupported_grant_type', async () => {
    for (const grant of ['password', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit']) {
      const answer = await postForm(sb, '/oauth/token', { grant_type: grant }, client);
      expect({ grant, error: answer.body.error }).toEqual({ grant, error: 'unsupported_grant_type' });
    }
    expect((await postForm(sb, '/oauth/token', {}, client)).body).toMatchObject({ error: 'invalid_request', error_description: 'grant_type is required' });
  });

  it('duplicate parameters are invalid_request (RFC 6749 §3.1)', async () => {
    const duplicates: Record<string, string | string[]>[] = [
      { grant_type: ['refresh_token', 'refresh_token'], refresh_token: 'x' },
      { grant_type: 'refresh_token', refresh_token: ['x', 'y'] },
      { grant_type: 'authorization_code', code: ['a', 'b'], redirect_uri: 'http://127.0.0.1/callback', code_verifier: 'v' },
    ];
    for (const params of duplicates) {
      const answer = await postForm(sb, '/oauth/token', params, client);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/more than once/) });
    }
    expect((await postForm(sb, '/oauth/introspect', { token: ['a', 'b'] }, client)).body.error).toBe('invalid_request');
    expect((await postForm(sb, '/oauth/revoke', { token: ['a', 'b'] }, client)).body.error).toBe('invalid_request');

    const state = redirectParams(await authorizeRaw(sb, { client, extra: { state: ['one', 'two'] } }));
    expect(state.get('error')).toBe('invalid_request');
    expect(state.has('code')).toBe(false);
    const twoClients = await authorizeRaw(sb, { client, extra: { client_id: [client.client_id, client.client_id] } });
    expect(twoClients.status).toBe(400);
    expect(twoClients.headers.get('location')).toBeNull();
    const twoRedirects = await authorizeRaw(sb, { client, extra: { redirect_uri: ['http://127.0.0.1/callback', 'http://127.0.0.1/callback'] } });
    expect(twoRedirects.status).toBe(400);
    expect(twoRedirects.headers.get('location')).toBeNull();
  });

  it('unknown paths are 404 JSON and wrong methods 405 with Allow', async () => {
    const missing = await fetch(`${sb.issuer}/oauth/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const proto = await fetch(`${sb.issuer}/__proto__`);
    expect(proto.status).toBe(404);
    const wrong = await fetch(`${sb.issuer}/oauth/token`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toMatchObject({ error: 'method_not_allowed' });
    const del = await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`, { method: 'DELETE' });
    expect(del.status).toBe(405);
  });

  it('a foreign Host header (DNS rebinding) is refused', async () => {
    const { port } = new URL(sb.issuer);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/sandbox/grants', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('a malformed HTTP request gets 400 and the sandbox lives on', async () => {
    const { port } = new URL(sb.issuer);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
  });

  it('any form body to any OAuth endpoint gets a 4xx JSON error, never a 5xx (property)', async () => {
    const paths = ['/oauth/token', '/oauth/introspect', '/oauth/revoke', '/oauth/authorize/decision', '/oauth/register'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.string({ maxLength: 200 }), fc.boolean(), async (path, body, asForm) => {
        const answer = await post(sb, path, asForm ? 'application/x-www-form-urlencoded' : 'application/json', body);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        if (answer.headers.get('content-type')?.startsWith('application/json')) expect(answer.json).toHaveProperty('error');
      }),
      { numRuns: 150 },
    );
  });
});

describe('hostile input to API v1 never gets a 5xx', () => {
  const seeded = useSeededApi();
  const lists = ['/products', '/products/count', '/orders', '/orders/count', '/customers', '/customers/count', '/categories', '/discounts'];
  const names = [
    'page',
    'per_page',
    'sort',
    'order',
    'search',
    'status',
    'category_id',
    'price[gte]',
    'date_from',
    'date_to',
    'total[lte]',
    'updated_at[gte]',
    'last_order_at[lte]',
    'has_orders',
    'is_featured',
    'stock_status',
    'x',
  ];

  it('any query string on any list is a 200 list or a nested 422 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...lists),
        fc.dictionary(fc.constantFrom(...names), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        async (path, query) => {
          const reply = await call(seeded.api.base, 'GET', `${path}?${new URLSearchParams(query).toString()}`, { token: seeded.token });
          if (reply.status === 200) expect(reply.body).toHaveProperty('data');
          else expect(expectError(reply, 422, 'VALIDATION_ERROR').details.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('any JSON body on any write is a 2xx or a nested 4xx (property)', async () => {
    const product = first(seeded.store.products).id;
    const order = first(seeded.store.orders).id;
    const writes: [string, string][] = [
      ['PATCH', `/products/${product}`],
      ['PATCH', `/inventory/products/${product}`],
      ['PATCH', `/orders/${order}`],
      ['POST', '/customers'],
      ['POST', '/categories'],
      ['POST', '/discounts'],
      ['POST', '/discounts/validate'],
    ];
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    const key = fc.constantFrom(
      'name',
      'price',
      'quantity',
      'reason',
      'status',
      'payment_status',
      'code',
      'type',
      'value',
      'order_total',
      'email',
      'expires_at',
      'is_active',
      '__proto__',
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.dictionary(key, value, { maxKeys: 4 }), async ([method, path], body) => {
        const reply = await call(seeded.api.base, method, path, { token: seeded.token, raw: JSON.stringify(body) });
        expect(reply.status).toBeLessThan(500);
        if (reply.status >= 400) expect(reply.body.error.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
