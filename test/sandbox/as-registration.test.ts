import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { REDIRECT, authorizeRaw, introspect, postForm, refresh, register, registerRaw, revoke, signIn } from './as-kit.js';

const NINETY_DAYS = 90 * 24 * 3600;

describe('dynamic client registration (RFC 7591)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
  });
  afterEach(() => sb.close());

  it('A3: a confidential client gets client_id, client_id_issued_at, a secret and its 90-day expiry', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      const client = await register(sb, { token_endpoint_auth_method: method });
      expect(client.client_id).toMatch(/^cli_/);
      expect(typeof client.client_id_issued_at).toBe('number');
      expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(client.client_secret_expires_at).toBe(client.client_id_issued_at + NINETY_DAYS);
      expect(client.token_endpoint_auth_method).toBe(method);
      expect(client.redirect_uris).toEqual([REDIRECT]);
    }
    expect((await sb.stats()).registrations).toBe(2);
  });

  it('A3: a public client gets a client_id and no secret', async () => {
    const client = await register(sb, { token_endpoint_auth_method: 'none' });
    expect(client.client_id).toMatch(/^cli_/);
    expect(client).not.toHaveProperty('client_secret');
    expect(client).not.toHaveProperty('client_secret_expires_at');
  });

  it('A3: after 90 days the client is invalid_client at token, introspection and revocation, and authorize shows an error page', async () => {
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

  it('A3: a client one second before its expiry still works', async () => {
    const client = await register(sb);
    await sb.advanceClock(NINETY_DAYS - 60);
    const tokens = await signIn(sb, client);
    expect(tokens.access_token).toHaveLength(43);
  });

  it('refuses invalid metadata with RFC 7591 errors', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{}, 'invalid_redirect_uri', /redirect_uris is required/],
      [{ redirect_uris: [] }, 'invalid_redirect_uri', /redirect_uris is required/],
      [{ redirect_uris: 'http://127.0.0.1/cb' }, 'invalid_client_metadata', /array of strings/],
      [{ redirect_uris: ['/relative'] }, 'invalid_redirect_uri', /not an absolute URI/],
      [{ redirect_uris: ['http://127.0.0.1/cb#frag'] }, 'invalid_redirect_uri', /fragment/],
      [{ redirect_uris: ['http://example.com/cb'] }, 'invalid_redirect_uri', /not loopback/],
      [{ redirect_uris: ['ftp://127.0.0.1/cb'] }, 'invalid_redirect_uri', /https, or http on a loopback/],
      [{ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /private_key_jwt/],
      [{ redirect_uris: [REDIRECT], grant_types: ['client_credentials'] }, 'invalid_client_metadata', /client_credentials/],
      [{ redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['token'] }, 'invalid_client_metadata', /response_type "token"/],
      [{ redirect_uris: [REDIRECT], grant_types: ['refresh_token'], response_types: ['code'] }, 'invalid_client_metadata', /together/],
      [{ redirect_uris: [REDIRECT], scope: 'read:store admin:everything' }, 'invalid_client_metadata', /admin:everything/],
      [{ redirect_uris: [REDIRECT], client_name: 42 }, 'invalid_client_metadata', /client_name must be a string/],
      [[REDIRECT], 'invalid_client_metadata', /JSON object/],
      [{ resource: 'not a uri' }, 'invalid_client_metadata', /not an absolute URI/],
      [{ resource: 'https://mcp.example/', token_endpoint_auth_method: 'none' }, 'invalid_client_metadata', /confidential/],
    ];
    for (const [metadata, error, description] of cases) {
      const response = await registerRaw(sb, metadata);
      const body = (await response.json()) as { error: string; error_description: string };
      expect({ metadata, status: response.status, error: body.error }).toEqual({ metadata, status: 400, error });
      expect(body.error_description).toMatch(description);
    }
    expect((await sb.stats()).registrations).toBe(0);
  });

  it('accepts https redirects, http on [::1] and localhost, and a resource server with only a resource', async () => {
    const client = await register(sb, { redirect_uris: ['https://app.example/cb', 'http://[::1]/cb', 'http://localhost:8080/cb'] });
    expect(client.redirect_uris).toHaveLength(3);
    const rs = await register(sb, { redirect_uris: undefined, grant_types: undefined, resource: 'https://mcp.example/' });
    // By default it may only exchange the tokens sent to it (CONTRACT A20).
    expect(rs).toMatchObject({ resource: 'https://mcp.example/', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], response_types: [] });
    // A resource server cannot obtain tokens for itself.
    const answer = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, rs);
    expect(answer.body.error).toBe('unauthorized_client');
  });
});
