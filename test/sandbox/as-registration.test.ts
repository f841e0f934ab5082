import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { REDIRECT, authorizeRaw, introspect, postForm, refresh, register, registerRaw, revoke, signIn } from './as-kit.js';

const NINETY_DAYS = 90 * 24 * 3600;

describe('dynamic client registration (RFC 7591, CONTRACT A5)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
  });
  afterEach(() => sb.close());

  it('A5: a confidential client gets a 24-character client_id, a secret, client_id_issued_at and client_secret_expires_at 0', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      const client = await register(sb, { token_endpoint_auth_method: method });
      expect(client.client_id).toMatch(/^[a-z0-9]{24}$/);
      expect(typeof client.client_id_issued_at).toBe('number');
      expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(client.client_secret_expires_at).toBe(0);
      expect(client.token_endpoint_auth_method).toBe(method);
      expect(client.redirect_uris).toEqual([REDIRECT]);
    }
    expect((await sb.stats()).registrations).toBe(2);
  });

  it('A5: the answer is 201 and echoes the documented fields', async () => {
    const fields = {
      client_name: 'My SaaS Integration',
      redirect_uris: ['https://my-app.example/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'read:orders read:products write:orders',
      token_endpoint_auth_method: 'client_secret_post',
      software_id: 'my-saas-integration',
      software_version: '2.1.0',
      logo_uri: 'https://my-app.example/logo.png',
      client_uri: 'https://my-app.example',
      policy_uri: 'https://my-app.example/privacy',
      tos_uri: 'https://my-app.example/terms',
    };
    const response = await registerRaw(sb, fields);
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      ...fields,
      client_id: expect.stringMatching(/^[a-z0-9]{24}$/),
      client_secret: expect.any(String),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
    });
  });

  it('A5: grant_types defaults to authorization_code alone: no refresh token, and the refresh grant is 401 unauthorized_client', async () => {
    const client = await register(sb, { grant_types: undefined });
    expect(client.grant_types).toEqual(['authorization_code']);
    expect(client.response_types).toEqual(['code']);
    const tokens = await signIn(sb, client);
    expect(tokens.access_token).toHaveLength(43);
    expect(tokens).not.toHaveProperty('refresh_token');
    const answer = await refresh(sb, client, 'x'.repeat(43));
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'unauthorized_client' });
  });

  it('A5: a public client gets a client_id and no secret', async () => {
    const client = await register(sb, { token_endpoint_auth_method: 'none' });
    expect(client.client_id).toMatch(/^[a-z0-9]{24}$/);
    expect(client).not.toHaveProperty('client_secret');
    expect(client).not.toHaveProperty('client_secret_expires_at');
  });

  it('A5: after 90 days the client is invalid_client at token, introspection and revocation, and authorize shows an error page', async () => {
    const client = await register(sb);
    const tokens = await signIn(sb, client);
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);

    await sb.advanceClock(NINETY_DAYS + 1);

    const token = await refresh(sb, client, tokens.refresh_token);
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
    expect(token.headers.get('www-authenticate')).toMatch(/^Basic/);
    const intro = await introspect(sb, tokens.access_token, client);
    expect(intro.status).toBe(401);
    expect(intro.body.error).toBe('invalid_client');
    const rev = await revoke(sb, tokens.refresh_token, client);
    expect(rev.status).toBe(401);
    expect(rev.body.error).toBe('invalid_client');

    const page = await authorizeRaw(sb, { client });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('registration has expired');

    // The remedy the contract names: register again, and everything works.
    const again = await register(sb);
    await expect(signIn(sb, again)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('A5: a client one minute before its expiry still works', async () => {
    const client = await register(sb);
    await sb.advanceClock(NINETY_DAYS - 60);
    const tokens = await signIn(sb, client);
    expect(tokens.access_token).toHaveLength(43);
  });

  it('refuses missing required fields with invalid_request and invalid metadata with RFC 7591 errors', async () => {
    const named = { client_name: 'App' };
    const cases: [unknown, string, RegExp][] = [
      [{ redirect_uris: [REDIRECT] }, 'invalid_request', /client_name is required/],
      [named, 'invalid_request', /redirect_uris is required/],
      [{ ...named, redirect_uris: [] }, 'invalid_request', /redirect_uris is required/],
      [{ ...named, redirect_uris: 'http://127.0.0.1/cb' }, 'invalid_client_metadata', /array of strings/],
      [{ ...named, redirect_uris: ['/relative'] }, 'invalid_redirect_uri', /not an absolute URI/],
      [{ ...named, redirect_uris: ['http://127.0.0.1/cb#frag'] }, 'invalid_redirect_uri', /fragment/],
      [{ ...named, redirect_uris: ['http://example.com/cb'] }, 'invalid_redirect_uri', /must be https/],
      [{ ...named, redirect_uris: ['ftp://127.0.0.1/cb'] }, 'invalid_redirect_uri', /must be https/],
      [{ ...named, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /private_key_jwt/],
      [{ ...named, redirect_uris: [REDIRECT], grant_types: ['client_credentials'] }, 'invalid_client_metadata', /client_credentials/],
      [{ ...named, redirect_uris: [REDIRECT], response_types: ['token'] }, 'invalid_client_metadata', /response_type "token"/],
      [{ ...named, redirect_uris: [REDIRECT], scope: 'read:store admin:everything' }, 'invalid_client_metadata', /admin:everything/],
      [{ ...named, redirect_uris: [REDIRECT], scope: 'read:categories' }, 'invalid_client_metadata', /read:categories/],
      [{ redirect_uris: [REDIRECT], client_name: 42 }, 'invalid_client_metadata', /client_name must be a string/],
      [{ redirect_uris: [REDIRECT], client_name: ' ' }, 'invalid_client_metadata', /client_name must be 1 to/],
      [{ ...named, redirect_uris: [REDIRECT], logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', /logo_uri/],
      [[REDIRECT], 'invalid_client_metadata', /JSON object/],
    ];
    for (const [metadata, error, description] of cases) {
      const response = await registerRaw(sb, metadata);
      const body = (await response.json()) as { error: string; error_description: string };
      expect({ metadata, status: response.status, error: body.error }).toEqual({ metadata, status: 400, error });
      expect(body.error_description).toMatch(description);
    }
    expect((await sb.stats()).registrations).toBe(0);
  });

  it('A5: accepts https redirects and http on localhost, 127.0.0.1 and [::1]', async () => {
    const client = await register(sb, { redirect_uris: ['https://app.example/cb', 'http://[::1]/cb', 'http://localhost:8080/cb', 'http://127.0.0.1:9/cb'] });
    expect(client.redirect_uris).toHaveLength(4);
  });

  it('issue 29 #13: a `resource` field is not a registration field: ignored, not echoed, and it grants no token exchange by itself', async () => {
    const rs = await register(sb, { resource: 'https://mcp.example/' });
    expect(rs).not.toHaveProperty('resource');
    expect(rs.grant_types).toEqual(['authorization_code', 'refresh_token']);
    // A registered client cannot obtain tokens for itself with a grant it did not register.
    const noRefresh = await register(sb, { resource: 'https://mcp.example/', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] });
    const answer = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, noRefresh);
    expect(answer.body.error).toBe('unauthorized_client');
  });
});

describe('registration under the localhostOnly flag (for CONTRACT AC3’s fallback)', () => {
  it('refuses http on 127.0.0.1 and [::1] with invalid_redirect_uri, and takes http://localhost with its port', async () => {
    const sb = await startTestSandbox({ flags: { localhostOnly: true } });
    try {
      for (const uri of ['http://127.0.0.1:5000/callback', 'http://[::1]:5000/callback']) {
        const answer = await registerRaw(sb, { client_name: 'App', redirect_uris: [uri] });
        expect({ uri, status: answer.status, error: ((await answer.json()) as { error: string }).error }).toEqual({
          uri,
          status: 400,
          error: 'invalid_redirect_uri',
        });
      }
      expect((await registerRaw(sb, { client_name: 'App', redirect_uris: ['http://localhost:5000/callback'] })).status).toBe(201);
    } finally {
      await sb.close();
    }
  });
});

describe('registration rate limit (CONTRACT A5: 10 per IP per hour)', () => {
  it('the eleventh registration within an hour is 429 rate_limit_exceeded with Retry-After; an hour later it works again', async () => {
    const sb = await startTestSandbox();
    try {
      for (let i = 0; i < 10; i++) await register(sb);
      const refused = await registerRaw(sb, { client_name: 'One too many', redirect_uris: [REDIRECT] });
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: 'rate_limit_exceeded' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      // A refused or malformed request counts too: Whatalo limits requests, not successes.
      expect((await registerRaw(sb, {})).status).toBe(429);
      expect((await sb.stats()).registrations).toBe(10);
      await sb.advanceClock(retryAfter);
      expect((await registerRaw(sb, { client_name: 'Later', redirect_uris: [REDIRECT] })).status).toBe(201);
    } finally {
      await sb.close();
    }
  });

  it('the limit can be raised for tests (SandboxOptions.limits, POST /sandbox/flags)', async () => {
    const sb = await startTestSandbox({ limits: { registrationsPerHour: 12 } });
    try {
      for (let i = 0; i < 12; i++) await register(sb);
      expect((await registerRaw(sb, { client_name: 'x', redirect_uris: [REDIRECT] })).status).toBe(429);
      const flags = await sb.flags({ limits: { registrations_per_hour: 13 } });
      expect(flags.limits.registrations_per_hour).toBe(13);
      expect((await registerRaw(sb, { client_name: 'x', redirect_uris: [REDIRECT] })).status).toBe(201);
    } finally {
      await sb.close();
    }
  });
});
