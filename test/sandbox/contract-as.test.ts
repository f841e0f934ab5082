/**
 * CONTRACT §1, row by row (A1…A15), against a real sandbox over HTTP in its default mode:
 * Whatalo's authorization server as its pages document it. Each row is one `describe` named
 * by its id; a row counts in the figures line (`contract rows covered`) once all its checks
 * passed. The test is the client here (as-kit.ts), so it can send what a sloppy client would.
 *
 * The rate limits are Whatalo's in the rows that test them (A5, A8); elsewhere the suite's
 * sandbox raises them, since one test process signs in many times a minute from one IP.
 */
import { describe, expect, it } from 'vitest';
import { suiteFigures } from '../helpers/figures.js';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import {
  REDIRECT,
  authorizeRaw,
  basicHeader,
  consentForm,
  decide,
  introspect,
  pkce,
  postForm,
  redirectParams,
  refresh,
  register,
  registerRaw,
  revoke,
  signIn,
  type RegisteredClient,
  useSandboxWithClient,
} from './as-kit.js';

const figures = suiteFigures('contract: authorization server');

/**
 * One CONTRACT row: a describe named by its id, whose tests are the row's checks. The row is
 * counted once, when the last of its checks has passed (a failed check leaves it uncounted).
 */
function row(id: string, statement: string, checks: Record<string, () => Promise<void>>): void {
  const names = Object.keys(checks);
  let passed = 0;
  describe(`${id}: ${statement}`, () => {
    for (const name of names) {
      it(name, async () => {
        await checks[name]!();
        if (++passed === names.length) figures.add('contractRows');
      });
    }
  });
}

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const RS = 'https://mcp.example/mcp';
const WHATALO_SCOPES =
  'read:products write:products read:inventory write:inventory read:discounts write:discounts read:orders write:orders ' +
  'read:customers write:customers read:store write:store read:analytics read:webhooks write:webhooks';

async function metadata(sb: TestSandbox): Promise<Record<string, unknown>> {
  return (await (await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
}

function exchange(sb: TestSandbox, caller: RegisteredClient | null, subject: string, extra: Record<string, string | string[]> = {}) {
  return postForm(sb, '/oauth/token', { grant_type: EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN, ...extra }, caller);
}

async function apiStatus(sb: TestSandbox, token: string): Promise<number> {
  return (await fetch(`${sb.apiBase}/store`, { headers: { authorization: `Bearer ${token}` } })).status;
}

/** A sandbox with Whatalo's own limits for one check, closed after it. */
async function withStrictSandbox(check: (sb: TestSandbox) => Promise<void>): Promise<void> {
  const sb = await startTestSandbox();
  try {
    await check(sb);
  } finally {
    await sb.close();
  }
}

const { sb, client } = useSandboxWithClient({ limits: RELAXED_LIMITS });

row('A1', 'the metadata document, field for field', {
  'issuer is the issuer asked for; every endpoint under /oauth/; Whatalo’s fields; no RFC 9207 advertisement': async () => {
    const meta = await metadata(sb);
    expect(meta.issuer).toBe(sb.issuer);
    for (const [field, path] of [
      ['authorization_endpoint', 'authorize'],
      ['token_endpoint', 'token'],
      ['registration_endpoint', 'register'],
      ['introspection_endpoint', 'introspect'],
      ['revocation_endpoint', 'revoke'],
    ]) {
      expect(meta[field!]).toBe(`${sb.issuer}/oauth/${path}`);
    }
    expect(meta).toMatchObject({
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      subject_types_supported: ['public'],
      resource_parameter_supported: true,
    });
    for (const field of ['service_documentation', 'op_policy_uri', 'op_tos_uri']) expect(meta[field]).toMatch(/^https:\/\//);
    expect(meta).not.toHaveProperty('authorization_response_iss_parameter_supported');
  },
});

row('A2', 'grant types: code, refresh, and the exchange (which works even where the metadata omits it)', {
  'the discovery guide’s list, token exchange included': async () => {
    expect((await metadata(sb)).grant_types_supported).toEqual(['authorization_code', 'refresh_token', EXCHANGE]);
  },
  'the API-reference copy omits the exchange, and the exchange is still answered': async () => {
    const own = await startTestSandbox({ autoApprove: 'first', flags: { referenceMetadata: true } });
    try {
      expect((await metadata(own)).grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
      const c = await register(own);
      const tokens = await signIn(own, c, { extra: { resource: RS } });
      expect((await exchange(own, c, tokens.access_token, { resource: own.apiResource })).status).toBe(200);
    } finally {
      await own.close();
    }
  },
});

row('A3', 'exactly fifteen scopes; an unknown one fails the whole request; no category scope; write does not imply read', {
  'scopes_supported is Whatalo’s list, in its order': async () => {
    expect((await metadata(sb)).scopes_supported).toEqual(WHATALO_SCOPES.split(' '));
  },
  'one unknown scope at authorize is invalid_scope for the whole request; at token too': async () => {
    for (const scope of ['read:products read:categories', 'write:categories', 'read:products admin']) {
      expect(redirectParams(await authorizeRaw(sb, { client, scope })).get('error'), scope).toBe('invalid_scope');
    }
    const tokens = await signIn(sb, client, { scope: 'read:products' });
    expect((await refresh(sb, client, tokens.refresh_token, { scope: 'read:categories' })).body.error).toBe('invalid_scope');
  },
  'a token with write:products carries no read:products': async () => {
    const tokens = await signIn(sb, client, { scope: 'write:products' });
    expect(tokens.scope).toBe('write:products');
    expect((await introspect(sb, tokens.access_token, client)).body.scope).toBe('write:products');
  },
});

row('A4', 'opaque 43-character tokens, one hour, rotating refresh tokens, no jwks_uri', {
  'tokens are 32 random bytes in base64url and expires_in is 3600': async () => {
    const tokens = await signIn(sb, client);
    expect(tokens.expires_in).toBe(3600);
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  },
  'every refresh rotates the refresh token; the old one is refused': async () => {
    const tokens = await signIn(sb, client);
    const next = await refresh(sb, client, tokens.refresh_token);
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(sb, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
  },
  'the metadata has no jwks_uri': async () => {
    expect(await metadata(sb)).not.toHaveProperty('jwks_uri');
  },
});

row('A5', 'registration: required fields, https, grant_types default, 201, 90-day expiry, 10 per IP per hour', {
  'client_name and redirect_uris are required: 400 invalid_request': async () => {
    for (const body of [{ redirect_uris: [REDIRECT] }, { client_name: 'App' }]) {
      const answer = await registerRaw(sb, body);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toBe('invalid_request');
    }
  },
  'redirect_uris must be https except localhost': async () => {
    const plain = await registerRaw(sb, { client_name: 'App', redirect_uris: ['http://app.example/cb'] });
    expect(plain.status).toBe(400);
    for (const uri of ['https://app.example/cb', 'http://localhost:8123/cb', 'http://127.0.0.1:8123/cb']) {
      expect((await registerRaw(sb, { client_name: 'App', redirect_uris: [uri] })).status, uri).toBe(201);
    }
  },
  '201 echoes the fields with a 24-character client_id, a secret, client_id_issued_at and client_secret_expires_at 0': async () => {
    const answer = await registerRaw(sb, {
      client_name: 'Contract App',
      redirect_uris: [REDIRECT],
      scope: 'read:products',
      token_endpoint_auth_method: 'client_secret_basic',
      software_id: 'contract-test',
      software_version: '1.0.0',
    });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({
      client_id: expect.stringMatching(/^[a-z0-9]{24}$/),
      client_secret: expect.any(String),
      client_name: 'Contract App',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'read:products',
      token_endpoint_auth_method: 'client_secret_basic',
      software_id: 'contract-test',
      software_version: '1.0.0',
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
    });
  },
  'without refresh_token in grant_types: no refresh token, and the refresh grant is unauthorized_client': async () => {
    const codeOnly = await register(sb, { grant_types: undefined });
    const tokens = await signIn(sb, codeOnly);
    expect(tokens).not.toHaveProperty('refresh_token');
    expect((await refresh(sb, codeOnly, 'x'.repeat(43))).body.error).toBe('unauthorized_client');
  },
  'the registered scope is the ceiling of later requests': async () => {
    const narrow = await register(sb, { scope: 'read:products' });
    expect(redirectParams(await authorizeRaw(sb, { client: narrow, scope: 'read:products read:orders' })).get('error')).toBe('invalid_scope');
  },
  'a DCR client expires after 90 days: invalid_client, and registering again works': async () => {
    const own = await startTestSandbox({ autoApprove: 'first' });
    try {
      const c = await register(own);
      await own.advanceClock(90 * 24 * 3600 + 1);
      expect((await refresh(own, c, 'x'.repeat(43))).body.error).toBe('invalid_client');
      await expect(signIn(own, await register(own))).resolves.toMatchObject({ token_type: 'Bearer' });
    } finally {
      await own.close();
    }
  },
  'the eleventh registration from one IP within an hour is 429 rate_limit_exceeded with Retry-After': async () => {
    await withStrictSandbox(async (strict) => {
      for (let i = 0; i < 10; i++) await register(strict);
      const refused = await registerRaw(strict, { client_name: 'App', redirect_uris: [REDIRECT] });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toBe('rate_limit_exceeded');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  },
});

row('A6', 'authorize: exact redirect, required parameters, S256 only, one store, fewer scopes, no store preselection', {
  'a redirect_uri that differs in its port (or is missing) is 400 invalid_redirect_uri with no redirect': async () => {
    const ported = await register(sb, { redirect_uris: ['http://127.0.0.1:43111/callback'] });
    for (const redirectUri of ['http://127.0.0.1:43112/callback', 'http://127.0.0.1/callback', 'http://localhost:43111/callback']) {
      const answer = await authorizeRaw(sb, { client: ported, redirectUri });
      expect({ redirectUri, status: answer.status, location: answer.headers.get('location') }).toEqual({ redirectUri, status: 400, location: null });
      expect(await answer.text()).toContain('invalid_redirect_uri');
    }
    expect((await authorizeRaw(sb, { client: ported, omit: ['redirect_uri'] })).status).toBe(400);
    expect((await authorizeRaw(sb, { client: ported })).status).toBe(200);
  },
  'scope, state and an S256 code_challenge are required; plain is refused': async () => {
    for (const omit of ['scope', 'state', 'code_challenge', 'code_challenge_method']) {
      expect(redirectParams(await authorizeRaw(sb, { client, omit: [omit] })).get('error'), omit).toBe('invalid_request');
    }
    expect(redirectParams(await authorizeRaw(sb, { client, extra: { code_challenge_method: 'plain' } })).get('error')).toBe('invalid_request');
  },
  'consent picks exactly one store, and the merchant may grant fewer scopes than asked': async () => {
    const verifier = pkce();
    const form = consentForm(await (await authorizeRaw(sb, { client, scope: 'read:products read:orders', pkce: verifier })).text());
    const store = sb.stores[1]!;
    const redirect = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: store.id, scope: ['read:orders'] });
    const code = redirectParams(redirect).get('code')!;
    const answer = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier.verifier },
      client,
    );
    expect(answer.body.scope).toBe('read:orders');
    expect((await introspect(sb, answer.body.access_token as string, client)).body.whatalo_store_id).toBe(store.id);
  },
  'no store-preselection parameter: whatalo_store_id is ignored, every store is offered': async () => {
    const html = await (await authorizeRaw(sb, { client, extra: { whatalo_store_id: sb.stores[1]!.id } })).text();
    expect(html.match(/name="store_id"/g)).toHaveLength(sb.stores.length);
  },
});

row('A7', 'the redirect carries code and state (or access_denied and state); no iss', {
  'approval: code and state, no iss': async () => {
    const form = consentForm(await (await authorizeRaw(sb, { client, state: 'contract-a7' })).text());
    const params = redirectParams(
      await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: sb.stores[0]!.id, scope: form.scopes }),
    );
    expect([...params.keys()].sort()).toEqual(['code', 'state']);
    expect(params.get('state')).toBe('contract-a7');
  },
  'denial: error=access_denied and state, no code, no iss': async () => {
    const form = consentForm(await (await authorizeRaw(sb, { client, state: 'contract-a7-deny' })).text());
    const params = redirectParams(await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'deny' }));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('contract-a7-deny');
    expect(params.has('code')).toBe(false);
    expect(params.has('iss')).toBe(false);
  },
});

row('A8', 'token endpoint: form, code and refresh, Basic or body never both, the answer, 60/IP and 30/client per minute', {
  'authorization_code answers access_token, token_type Bearer, expires_in 3600, refresh_token, scope': async () => {
    const tokens = await signIn(sb, client);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  },
  'a JSON body is refused: the endpoint takes a form': async () => {
    const answer = await fetch(`${sb.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicHeader(client.client_id, client.client_secret!) },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('invalid_request');
  },
  'Basic and body credentials are equivalent; both in one request is refused': async () => {
    const asPost = { ...client, token_endpoint_auth_method: 'client_secret_post' as const };
    expect((await refresh(sb, asPost, 'x'.repeat(43))).body.error).toBe('invalid_grant');
    expect((await refresh(sb, client, 'x'.repeat(43))).body.error).toBe('invalid_grant');
    const both = await refresh(sb, client, 'x'.repeat(43), { client_secret: client.client_secret! });
    expect(both.body.error).toBe('invalid_request');
  },
  '30 requests per minute per client_id, then 429 rate_limit_exceeded with Retry-After': async () => {
    await withStrictSandbox(async (strict) => {
      const c = await register(strict);
      for (let i = 0; i < 30; i++) await refresh(strict, c, 'x'.repeat(43));
      const refused = await refresh(strict, c, 'x'.repeat(43));
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 429, error: 'rate_limit_exceeded' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  },
  '60 requests per minute per IP, then 429 rate_limit_exceeded with Retry-After': async () => {
    await withStrictSandbox(async (strict) => {
      const clients = [await register(strict), await register(strict), await register(strict)];
      for (let i = 0; i < 60; i++) await refresh(strict, clients[i % 3]!, 'x'.repeat(43));
      const refused = await refresh(strict, clients[0]!, 'x'.repeat(43));
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 429, error: 'rate_limit_exceeded' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  },
});

row('A9', 'the documented error codes and statuses, JSON {error, error_description}', {
  'token, introspection and revocation errors': async () => {
    const cases: [Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      [postForm(sb, '/oauth/token', { grant_type: 'authorization_code' }, client), 400, 'invalid_request'],
      [refresh(sb, await register(sb, { grant_types: undefined }), 'x'), 401, 'unauthorized_client'],
      [refresh(sb, client, 'x'.repeat(43)), 400, 'invalid_grant'],
      [postForm(sb, '/oauth/introspect', { token: 'x' }, null), 401, 'invalid_client'],
      [postForm(sb, '/oauth/revoke', { token: 'x' }, { ...client, client_secret: 'wrong' }), 401, 'invalid_client'],
      [exchange(sb, client, (await signIn(sb, client)).access_token, { resource: 'ftp://x' }), 400, 'invalid_target'],
    ];
    for (const [pending, status, error] of cases) {
      const answer = await pending;
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error });
      expect(typeof answer.body.error_description).toBe('string');
    }
    const tokens = await signIn(sb, client, { scope: 'read:products' });
    const wider = await refresh(sb, client, tokens.refresh_token, { scope: 'read:orders' });
    expect({ status: wider.status, error: wider.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
  },
  'authorize errors: unsupported_response_type, invalid_scope, invalid_target by redirect; invalid_redirect_uri as a 400 page': async () => {
    expect(redirectParams(await authorizeRaw(sb, { client, extra: { response_type: 'token' } })).get('error')).toBe('unsupported_response_type');
    expect(redirectParams(await authorizeRaw(sb, { client, scope: 'nope' })).get('error')).toBe('invalid_scope');
    expect(redirectParams(await authorizeRaw(sb, { client, extra: { resource: 'not a uri' } })).get('error')).toBe('invalid_target');
    const page = await authorizeRaw(sb, { client, redirectUri: 'https://evil.example/cb' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('invalid_redirect_uri');
  },
  'server_error 500, temporarily_unavailable 503 and rate_limit_exceeded 429 with Retry-After can be played (injected faults)': async () => {
    const own = await startTestSandbox({
      faults: {
        faults: [
          { path: '/oauth/introspect', status: 500 },
          { path: '/oauth/revoke', status: 503, retry_after: 7 },
          { path: '/oauth/token', status: 429, retry_after: 9 },
        ],
      },
    });
    try {
      const c = await register(own);
      const failed = await introspect(own, 'x', c);
      expect({ status: failed.status, error: failed.body.error }).toEqual({ status: 500, error: 'server_error' });
      const busy = await revoke(own, 'x', c);
      expect({ status: busy.status, error: busy.body.error, retry: busy.headers.get('retry-after') }).toEqual({
        status: 503,
        error: 'temporarily_unavailable',
        retry: '7',
      });
      const limited = await refresh(own, c, 'x'.repeat(43));
      expect({ status: limited.status, error: limited.body.error, retry: limited.headers.get('retry-after') }).toEqual({
        status: 429,
        error: 'rate_limit_exceeded',
        retry: '9',
      });
    } finally {
      await own.close();
    }
  },
});

row('A10', 'token exchange: confidential clients, resource or audience, scope subset, same user and store', {
  'any confidential client exchanges, without the grant among its registered grant_types; RFC 8693 answer': async () => {
    const gateway = await register(sb, { grant_types: undefined, client_name: 'Gateway' });
    const inbound = await signIn(sb, client, { scope: 'read:products read:store', extra: { resource: RS } });
    const answer = await exchange(sb, gateway, inbound.access_token, { resource: sb.apiResource });
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      issued_token_type: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'read:products read:store',
    });
    const [before, after] = [
      (await introspect(sb, inbound.access_token, gateway)).body,
      (await introspect(sb, answer.body.access_token as string, gateway)).body,
    ];
    expect(after).toMatchObject({ aud: sb.apiResource, sub: before.sub, whatalo_store_id: before.whatalo_store_id });
    expect(await apiStatus(sb, answer.body.access_token as string)).toBe(200);
  },
  'audience is the alternative; resource wins when both are sent': async () => {
    const inbound = await signIn(sb, client, { extra: { resource: RS } });
    const byAudience = await exchange(sb, client, inbound.access_token, { audience: sb.apiResource });
    expect((await introspect(sb, byAudience.body.access_token as string, client)).body.aud).toBe(sb.apiResource);
    const both = await exchange(sb, client, inbound.access_token, { resource: 'https://other.example', audience: sb.apiResource });
    expect((await introspect(sb, both.body.access_token as string, client)).body.aud).toBe('https://other.example');
  },
  'scope: a subset narrows, a scope the subject lacks is refused': async () => {
    const inbound = await signIn(sb, client, { scope: 'read:products read:store', extra: { resource: RS } });
    expect((await exchange(sb, client, inbound.access_token, { resource: sb.apiResource, scope: 'read:store' })).body.scope).toBe('read:store');
    expect((await exchange(sb, client, inbound.access_token, { resource: sb.apiResource, scope: 'write:products' })).body.error).toBe('invalid_scope');
  },
  'a public client may not exchange': async () => {
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const inbound = await signIn(sb, pub, { extra: { resource: RS } });
    const answer = await exchange(sb, pub, inbound.access_token, { resource: sb.apiResource });
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'unauthorized_client' });
  },
});

row('A11', 'introspection: confidential clients only, any token, exactly ten fields, otherwise {"active":false}', {
  'a resource server’s own client introspects the host application’s token: the ten documented fields, no username': async () => {
    const rsClient = await register(sb, { client_name: 'MCP server', token_endpoint_auth_method: 'client_secret_post' });
    const tokens = await signIn(sb, client, { scope: 'read:products read:orders', extra: { resource: RS } });
    const answer = await introspect(sb, tokens.access_token, rsClient);
    expect(answer.body).toEqual({
      active: true,
      scope: 'read:products read:orders',
      client_id: client.client_id,
      sub: expect.stringMatching(/^usr_[0-9a-f]{16}$/),
      exp: expect.any(Number),
      iat: expect.any(Number),
      token_type: 'Bearer',
      aud: RS,
      iss: sb.issuer,
      whatalo_store_id: expect.stringMatching(/^str_[A-Za-z0-9]{8}$/),
    });
    expect(answer.body.sub).toBe(sb.merchant);
  },
  'Basic and body authentication both work; a public client or none is 401 invalid_client': async () => {
    const tokens = await signIn(sb, client);
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);
    expect((await introspect(sb, tokens.access_token, { ...client, token_endpoint_auth_method: 'client_secret_post' })).body.active).toBe(true);
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    for (const caller of [pub, null]) {
      const answer = await introspect(sb, tokens.access_token, caller);
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    }
  },
  'unknown, revoked, expired or refresh tokens are exactly {"active":false}': async () => {
    const tokens = await signIn(sb, client);
    expect((await introspect(sb, 'Z'.repeat(43), client)).text).toBe('{"active":false}');
    expect((await introspect(sb, tokens.refresh_token, client)).text).toBe('{"active":false}');
    await revoke(sb, tokens.access_token, client);
    expect((await introspect(sb, tokens.access_token, client)).text).toBe('{"active":false}');
  },
});

row('A12', 'introspection answers are fresh: never cacheable, and a revocation shows at once', {
  'answers are no-store, every call reaches the AS, and active turns false right after revocation': async () => {
    const tokens = await signIn(sb, client);
    await sb.resetStats();
    const active = await introspect(sb, tokens.access_token, client);
    expect(active.headers.get('cache-control')).toBe('no-store');
    await revoke(sb, tokens.access_token, client);
    const inactive = await introspect(sb, tokens.access_token, client);
    expect(inactive.headers.get('cache-control')).toBe('no-store');
    expect(inactive.body).toEqual({ active: false });
    expect((await sb.stats()).introspections).toBe(2);
  },
});

row('A13', 'revocation: always 200 with no body; refresh ends the family, access leaves the refresh token', {
  '200 with an empty body for known, unknown and already revoked tokens, with or without a hint': async () => {
    const tokens = await signIn(sb, client);
    for (const [token, hint] of [
      [tokens.access_token, undefined],
      [tokens.access_token, 'access_token'],
      ['unknown-token', 'refresh_token'],
    ] as const) {
      const answer = await revoke(sb, token, client, hint ? { token_type_hint: hint } : {});
      expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: '' });
    }
  },
  'confidential clients by Basic or body; a public client by client_id only': async () => {
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const pubTokens = await signIn(sb, pub);
    expect((await revoke(sb, pubTokens.refresh_token, pub)).status).toBe(200);
    expect((await refresh(sb, pub, pubTokens.refresh_token)).body.error).toBe('invalid_grant');
    const tokens = await signIn(sb, client);
    expect((await revoke(sb, tokens.access_token, { ...client, token_endpoint_auth_method: 'client_secret_post' })).status).toBe(200);
    expect((await introspect(sb, tokens.access_token, client)).body).toEqual({ active: false });
  },
  'revoking the refresh token ends every access token of its family; revoking an access token leaves the refresh token': async () => {
    const tokens = await signIn(sb, client);
    await revoke(sb, tokens.access_token, client);
    const next = await refresh(sb, client, tokens.refresh_token);
    expect(next.status).toBe(200);
    await revoke(sb, next.body.refresh_token as string, client);
    expect((await introspect(sb, next.body.access_token as string, client)).body).toEqual({ active: false });
  },
});

row('A14', 'a disconnect in the merchant’s settings revokes every token of (client, user, store) at once', {
  'after the disconnect, introspection answers active:false and the refresh token is refused': async () => {
    const tokens = await signIn(sb, client, { storeId: sb.stores[0]!.id });
    const other = await signIn(sb, client, { storeId: sb.stores[1]!.id });
    expect(await sb.disconnect(client.client_id, sb.stores[0]!.id)).toBeGreaterThanOrEqual(1);
    expect((await introspect(sb, tokens.access_token, client)).body).toEqual({ active: false });
    expect((await refresh(sb, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
    expect((await introspect(sb, other.access_token, client)).body.active).toBe(true);
  },
});

row('A15', 'resource: one value, a bad one is invalid_target; the API’s resource is its origin', {
  'two values or a malformed one at authorize are invalid_target': async () => {
    for (const resource of [['https://a.example', 'https://b.example'], 'not a uri', 'https://a.example/#x']) {
      expect(redirectParams(await authorizeRaw(sb, { client, extra: { resource } })).get('error')).toBe('invalid_target');
    }
  },
  'the API accepts a token whose aud is its origin, not one for its /v1 base or another server': async () => {
    expect(sb.apiResource).toBe(new URL(sb.apiBase).origin);
    const forOrigin = await signIn(sb, client, { extra: { resource: sb.apiResource } });
    expect((await introspect(sb, forOrigin.access_token, client)).body.aud).toBe(sb.apiResource);
    expect(await apiStatus(sb, forOrigin.access_token)).toBe(200);
    expect(await apiStatus(sb, (await signIn(sb, client, { extra: { resource: sb.apiBase } })).access_token)).toBe(401);
    expect(await apiStatus(sb, (await signIn(sb, client, { extra: { resource: RS } })).access_token)).toBe(401);
  },
});
