import { describe, expect, it } from 'vitest';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import {
  authorizeRaw,
  introspect,
  pkce,
  postForm,
  redirectParams,
  refresh,
  register,
  sha256Hex,
  signIn,
  useSandboxWithClient,
  type Pkce,
  type RegisteredClient,
} from './as-kit.js';

/** The digests of the tokens the sandbox holds active (refresh tokens included, which introspection does not describe). */
async function liveTokens(sb: TestSandbox): Promise<Set<string>> {
  return new Set((await sb.grants()).flatMap((g) => g.tokens.filter((t) => t.active).map((t) => t.sha256)));
}

/** Gets a code under auto-approve, with the verifier that redeems it. */
async function code(sb: TestSandbox, client: RegisteredClient, extra: Record<string, string | string[]> = {}) {
  const verifier: Pkce = pkce();
  const params = redirectParams(await authorizeRaw(sb, { client, pkce: verifier, extra }));
  return { code: params.get('code')!, verifier: verifier.verifier };
}

function exchange(sb: TestSandbox, client: RegisteredClient, c: { code: string; verifier: string }, extra: Record<string, string | string[]> = {}) {
  return postForm(
    sb,
    '/oauth/token',
    { grant_type: 'authorization_code', code: c.code, redirect_uri: client.redirect_uris[0]!, code_verifier: c.verifier, ...extra },
    client,
  );
}

describe('token endpoint', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('A8: authorization_code with the right verifier issues Bearer tokens with no-store headers', async () => {
    const answer = await exchange(sb, client, await code(sb, client));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:products read:store' });
    expect(Object.keys(answer.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
  });

  it('A8: a reused code is invalid_grant and revokes the tokens issued from it', async () => {
    const c = await code(sb, client);
    const first = await exchange(sb, client, c);
    expect(first.status).toBe(200);
    const { access_token, refresh_token } = first.body as { access_token: string; refresh_token: string };
    expect((await introspect(sb, access_token, client)).body.active).toBe(true);

    const again = await exchange(sb, client, c);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(again.headers.get('cache-control')).toBe('no-store');

    expect((await introspect(sb, access_token, client)).body).toEqual({ active: false });
    expect((await introspect(sb, refresh_token, client)).body).toEqual({ active: false });
    expect((await refresh(sb, client, refresh_token)).body.error).toBe('invalid_grant');
  });

  it('A8: a code expires after 60 s of sandbox time', async () => {
    const c = await code(sb, client);
    await sb.advanceClock(61);
    const answer = await exchange(sb, client, c);
    expect(answer.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  it('A8: a wrong verifier, another redirect_uri or another client is invalid_grant', async () => {
    const c = await code(sb, client);
    expect((await exchange(sb, client, { code: c.code, verifier: pkce().verifier })).body.error).toBe('invalid_grant');
    expect((await exchange(sb, client, c, { redirect_uri: 'http://127.0.0.1:9999/callback' })).body.error).toBe('invalid_grant');
    const other = await register(sb);
    expect((await exchange(sb, other, c)).body.error).toBe('invalid_grant');
    // None of the failures consumed the code: the rightful client still redeems it.
    expect((await exchange(sb, client, c)).status).toBe(200);
  });

  it('A8: the redirect_uri must equal the authorization request’s, port included', async () => {
    const two = await register(sb, { redirect_uris: ['http://127.0.0.1:50505/callback', 'http://127.0.0.1:50506/callback'] });
    const verifier = pkce();
    const params = redirectParams(await authorizeRaw(sb, { client: two, pkce: verifier, redirectUri: 'http://127.0.0.1:50505/callback' }));
    const base = { grant_type: 'authorization_code', code: params.get('code')!, code_verifier: verifier.verifier };
    // Registered too, but not the one the code was issued for.
    expect((await postForm(sb, '/oauth/token', { ...base, redirect_uri: 'http://127.0.0.1:50506/callback' }, two)).body.error).toBe('invalid_grant');
    expect((await postForm(sb, '/oauth/token', { ...base, redirect_uri: 'http://127.0.0.1:50505/callback' }, two)).status).toBe(200);
  });

  it('A8: RFC 6749 §5.2 errors: invalid_request, invalid_client (401 + challenge), unsupported_grant_type, unauthorized_client', async () => {
    const missing = await postForm(sb, '/oauth/token', { grant_type: 'authorization_code', code: 'x', redirect_uri: client.redirect_uris[0]! }, client);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/code_verifier/) });

    const anonymous = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);

    const wrongSecret = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...client, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');

    const password = await postForm(sb, '/oauth/token', { grant_type: 'password', username: 'a', password: 'b' }, client);
    expect(password.body.error).toBe('unsupported_grant_type');
    const credentials = await postForm(sb, '/oauth/token', { grant_type: 'client_credentials' }, client);
    expect(credentials.body.error).toBe('unsupported_grant_type');

    const codeOnly = await register(sb, { grant_types: ['authorization_code'] });
    const noRefresh = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, codeOnly);
    // A9: Whatalo answers unauthorized_client with 401.
    expect({ status: noRefresh.status, error: noRefresh.body.error }).toEqual({ status: 401, error: 'unauthorized_client' });
  });

  it('A8: a confidential client sends its secret by Basic or in the body, never both', async () => {
    const both = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x', client_secret: client.client_secret! }, client);
    expect({ status: both.status, error: both.body.error }).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('client authentication: a confidential client by basic or post whichever it registered (A8), a public one by client_id only', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'none'] as const) {
      const c = await register(sb, { token_endpoint_auth_method: method });
      const tokens = await signIn(sb, c);
      expect(tokens.access_token).toHaveLength(43);
    }
    const basic = await register(sb, { token_endpoint_auth_method: 'client_secret_basic' });
    // A8: the same secret in the body is accepted from a basic client (the grant is what fails here)…
    const viaPost = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...basic, token_endpoint_auth_method: 'client_secret_post' },
    );
    expect(viaPost.body.error).toBe('invalid_grant');
    // …and HTTP Basic from a post client.
    const post = await register(sb, { token_endpoint_auth_method: 'client_secret_post' });
    const viaBasic = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...post, token_endpoint_auth_method: 'client_secret_basic' },
    );
    expect(viaBasic.body.error).toBe('invalid_grant');
    const wrongSecret = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...post, client_secret: 'wrong' });
    expect(wrongSecret.body.error).toBe('invalid_client');
    // A confidential client that sends only its id is refused.
    const bare = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...basic, token_endpoint_auth_method: 'none' });
    expect(bare.status).toBe(401);
    // A public client may not present a secret it was never given.
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const withSecret = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...pub, token_endpoint_auth_method: 'client_secret_post', client_secret: 'made-up' },
    );
    expect(withSecret.body.error).toBe('invalid_client');
  });

  it('client_secret_basic decodes form-urlencoded credentials (RFC 6749 §2.3.1)', async () => {
    const c = await register(sb);
    // A plain, not-urlencoded header still works for secrets without special characters…
    const raw = 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64');
    const ok = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, null, { authorization: raw });
    expect(ok.body.error).toBe('invalid_grant');
    // …and percent-encoding of the id is decoded before the lookup.
    const encodedId = c.client_id.replace('_', '%5F');
    const enc = 'Basic ' + Buffer.from(`${encodedId}:${c.client_secret}`).toString('base64');
    const ok2 = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, null, { authorization: enc });
    expect(ok2.body.error).toBe('invalid_grant');
  });

  it('A4: tokens are 43 base64url characters, distinct, with nothing decodable', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const tokens = await signIn(sb, client);
      for (const token of [tokens.access_token, tokens.refresh_token]) {
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(token).not.toContain('.');
        const decoded = Buffer.from(token, 'base64url');
        expect(decoded).toHaveLength(32);
        expect(decoded.toString('latin1')).not.toMatch(/cli_|usr_|str_|read:/);
        seen.add(token);
      }
    }
    expect(seen.size).toBe(6);
    // The sandbox keeps digests, never values: the grants listing shows sha256 only.
    const listing = JSON.stringify(await sb.grants());
    for (const token of seen) {
      expect(listing).not.toContain(token);
      expect(listing).toContain(sha256Hex(token));
    }
  });

  it('A4: refresh rotates the refresh token and the old one stops working', async () => {
    const tokens = await signIn(sb, client);
    const first = await refresh(sb, client, tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const next = first.body as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.access_token).not.toBe(tokens.access_token);
    const live = await liveTokens(sb);
    expect(live.has(sha256Hex(tokens.refresh_token))).toBe(false);
    expect(live.has(sha256Hex(next.refresh_token))).toBe(true);
    // Introspection describes access tokens only: a refresh token is never "active" there.
    expect((await introspect(sb, next.refresh_token, client)).body).toEqual({ active: false });
    const second = await refresh(sb, client, next.refresh_token);
    expect(second.status).toBe(200);
  });

  it('A4: replaying a rotated refresh token revokes the whole grant', async () => {
    const tokens = await signIn(sb, client);
    const rotated = (await refresh(sb, client, tokens.refresh_token)).body as { access_token: string; refresh_token: string };
    const replay = await refresh(sb, client, tokens.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    for (const token of [tokens.access_token, rotated.access_token, rotated.refresh_token]) {
      expect((await introspect(sb, token, client)).body).toEqual({ active: false });
    }
    expect((await refresh(sb, client, rotated.refresh_token)).body.error).toBe('invalid_grant');
    const grants = await sb.grants();
    const grant = grants.find((g) => g.tokens.some((t) => t.sha256 === sha256Hex(tokens.refresh_token)))!;
    expect(grant.revoked).toBe(true);
    expect(grant.tokens.every((t) => !t.active)).toBe(true);
  });

  it('refresh may narrow the scope but never widen it', async () => {
    const tokens = await signIn(sb, client, { scope: 'read:store read:products read:orders' });
    const wider = await refresh(sb, client, tokens.refresh_token, { scope: 'read:store write:products' });
    const unknown = await refresh(sb, client, tokens.refresh_token, { scope: 'read:store read:categories' });
    expect(unknown.body.error).toBe('invalid_scope');
    expect(wider.body.error).toBe('invalid_scope');
    const narrow = await refresh(sb, client, tokens.refresh_token, { scope: 'read:orders' });
    expect(narrow.status).toBe(200);
    const body = narrow.body as { access_token: string; refresh_token: string; scope: string };
    expect(body.scope).toBe('read:orders');
    expect((await introspect(sb, body.access_token, client)).body.scope).toBe('read:orders');
    // The rotated refresh token keeps the grant's scope, so a later refresh gets it all back.
    const full = await refresh(sb, client, body.refresh_token);
    expect((full.body as { scope: string }).scope).toBe('read:products read:orders read:store');
  });

  it('refresh tokens live 30 days and access tokens one hour, by the sandbox clock', async () => {
    const own = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
    try {
      const c = await register(own);
      const tokens = await signIn(own, c);
      await own.advanceClock(3601);
      expect((await introspect(own, tokens.access_token, c)).body).toEqual({ active: false });
      expect((await liveTokens(own)).has(sha256Hex(tokens.refresh_token))).toBe(true);
      await own.advanceClock(30 * 24 * 3600);
      expect((await refresh(own, c, tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
    } finally {
      await own.close();
    }
  });

  it('A15: more than one resource is invalid_target; the one resource at authorize becomes the token’s aud; none means API v1', async () => {
    const two = await code(sb, client);
    const answer = await exchange(sb, client, two, { resource: ['https://a.example/', 'https://b.example/'] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_target');

    const one = await exchange(sb, client, await code(sb, client, { resource: 'https://mcp.example/' }));
    expect(one.status).toBe(200);
    const info = (await introspect(sb, (one.body as { access_token: string }).access_token, client)).body;
    expect(info.aud).toBe('https://mcp.example/');
    const plain = await exchange(sb, client, await code(sb, client));
    expect((await introspect(sb, (plain.body as { access_token: string }).access_token, client)).body.aud).toBe(sb.apiResource);
    for (const bad of ['not a uri', 'http://example.com/', 'https://mcp.example/#frag']) {
      expect(redirectParams(await authorizeRaw(sb, { client, extra: { resource: bad } })).get('error'), bad).toBe('invalid_target');
    }

    const atAuthorize = redirectParams(await authorizeRaw(sb, { client, extra: { resource: ['https://a.example/', 'https://b.example/'] } }));
    expect(atAuthorize.get('error')).toBe('invalid_target');

    const tokens = await signIn(sb, client);
    const onRefresh = await refresh(sb, client, tokens.refresh_token, { resource: ['https://a.example/', 'https://b.example/'] });
    expect(onRefresh.body.error).toBe('invalid_target');
    const notUri = await refresh(sb, client, tokens.refresh_token, { resource: 'not a uri' });
    expect(notUri.body.error).toBe('invalid_target');
  });

  it('A15: a resource named at authorization binds the code; another one at the token endpoint is invalid_target', async () => {
    const c = await code(sb, client, { resource: 'https://mcp.example/' });
    expect((await exchange(sb, client, c, { resource: 'https://other.example/' })).body.error).toBe('invalid_target');
    const ok = await exchange(sb, client, c);
    expect(ok.status).toBe(200);
    expect((await introspect(sb, (ok.body as { access_token: string }).access_token, client)).body.aud).toBe('https://mcp.example/');
  });

  it('counts grants and successful refreshes in /sandbox/stats', async () => {
    await sb.resetStats();
    const tokens = await signIn(sb, client);
    await refresh(sb, client, tokens.refresh_token);
    await refresh(sb, client, 'not-a-token');
    const stats = await sb.stats();
    expect(stats.grants).toEqual({ authorization_code: 1, refresh_token: 2 });
    expect(stats.refreshes).toBe(1);
    expect(stats.requests['POST /oauth/token']).toBe(3);
  });
});

describe('token endpoint rate limits (CONTRACT A8)', () => {
  const bad = { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) };

  it('30 requests per minute per client_id, then 429 rate_limit_exceeded with Retry-After; another client is not affected', async () => {
    const sb = await startTestSandbox({ limits: { registrationsPerHour: 100 } });
    try {
      const a = await register(sb);
      const b = await register(sb);
      // Requests that fail client authentication do not spend the client's budget (only the IP's).
      for (let i = 0; i < 5; i++) expect((await postForm(sb, '/oauth/token', bad, { ...a, client_secret: 'wrong' })).status).toBe(401);
      for (let i = 0; i < 30; i++) expect((await postForm(sb, '/oauth/token', bad, a)).body.error).toBe('invalid_grant');
      const refused = await postForm(sb, '/oauth/token', bad, a);
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 429, error: 'rate_limit_exceeded' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await postForm(sb, '/oauth/token', bad, b)).body.error).toBe('invalid_grant');
      await sb.advanceClock(retryAfter);
      expect((await postForm(sb, '/oauth/token', bad, a)).body.error).toBe('invalid_grant');
    } finally {
      await sb.close();
    }
  });

  it('60 requests per minute per IP, whatever the client; a minute later it works again', async () => {
    const sb = await startTestSandbox({ limits: { registrationsPerHour: 100 } });
    try {
      const clients = [await register(sb), await register(sb), await register(sb)];
      for (let i = 0; i < 60; i++) await postForm(sb, '/oauth/token', bad, clients[i % 3]!);
      const refused = await postForm(sb, '/oauth/token', bad, clients[0]!);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe('rate_limit_exceeded');
      expect(refused.body.error_description).toMatch(/Retry after \d+ seconds/);
      // Even an unauthenticated request is counted and refused by IP.
      expect((await postForm(sb, '/oauth/token', bad, null)).status).toBe(429);
      await sb.advanceClock(Number(refused.headers.get('retry-after')));
      expect((await postForm(sb, '/oauth/token', bad, clients[0]!)).body.error).toBe('invalid_grant');
    } finally {
      await sb.close();
    }
  });
});
