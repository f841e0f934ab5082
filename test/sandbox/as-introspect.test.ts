import { describe, expect, it } from 'vitest';
import { RELAXED_LIMITS, startTestSandbox } from '../helpers/sandbox.js';
import { basicHeader, introspect, postForm, register, signIn, useSandboxWithClient } from './as-kit.js';

describe('introspection (RFC 7662)', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('A11: without client authentication the answer is 401 invalid_client', async () => {
    const tokens = await signIn(sb, client);
    const anonymous = await introspect(sb, tokens.access_token, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrong = await postForm(sb, '/oauth/introspect', { token: tokens.access_token }, null, { authorization: basicHeader(client.client_id, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(anonymous.text).not.toContain('active');
  });

  it('A11: an active token is described with exactly Whatalo’s ten fields, no username', async () => {
    const tokens = await signIn(sb, client, { scope: 'read:products write:products' });
    const answer = await introspect(sb, tokens.access_token, client);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = answer.body as Record<string, unknown>;
    expect(body).toEqual({
      active: true,
      scope: 'read:products write:products',
      client_id: client.client_id,
      sub: sb.merchant,
      exp: expect.any(Number),
      iat: expect.any(Number),
      token_type: 'Bearer',
      aud: sb.apiResource,
      iss: sb.issuer,
      whatalo_store_id: sb.stores[0]!.id,
    });
    expect(body.sub).toMatch(/^usr_/);
    expect(body.whatalo_store_id).toMatch(/^str_/);
    expect(body.exp).toBe((body.iat as number) + 3600);
    expect(Math.abs((body.iat as number) - Date.now() / 1000)).toBeLessThan(300);
  });

  it('A11: client_secret_post callers are authenticated too', async () => {
    const post = await register(sb, { token_endpoint_auth_method: 'client_secret_post' });
    const tokens = await signIn(sb, post);
    expect((await introspect(sb, tokens.access_token, post)).body.active).toBe(true);
  });

  it('A11: unknown, refresh and expired tokens are exactly {"active":false}', async () => {
    const tokens = await signIn(sb, client);
    expect((await introspect(sb, 'A'.repeat(43), client)).body).toEqual({ active: false });
    expect((await introspect(sb, tokens.refresh_token, client)).body).toEqual({ active: false });
    const missing = await postForm(sb, '/oauth/introspect', {}, client);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');

    const own = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
    try {
      const c = await register(own);
      const t = await signIn(own, c);
      await own.advanceClock(3600);
      expect((await introspect(own, t.access_token, c)).text).toBe('{"active":false}');
    } finally {
      await own.close();
    }
  });

  it('A11: any confidential client introspects any access token, and aud says which server it is for', async () => {
    const rs = await register(sb, { client_name: 'Some MCP server', token_endpoint_auth_method: 'client_secret_post' });
    const forRs = await signIn(sb, client, { extra: { resource: 'https://mcp.example/' } });
    const forOther = await signIn(sb, client, { extra: { resource: 'https://elsewhere.example/' } });
    const plain = await signIn(sb, client);

    // client_id stays the client the token was issued to, not the caller.
    expect((await introspect(sb, forRs.access_token, rs)).body).toMatchObject({
      active: true,
      aud: 'https://mcp.example/',
      client_id: client.client_id,
      whatalo_store_id: sb.stores[0]!.id,
    });
    // Active for every caller: the audience check is the resource server's own (A11).
    expect((await introspect(sb, forOther.access_token, rs)).body).toMatchObject({ active: true, aud: 'https://elsewhere.example/' });
    expect((await introspect(sb, plain.access_token, rs)).body).toMatchObject({ active: true, aud: sb.apiResource });
    // A refresh token is never described.
    expect((await introspect(sb, forRs.refresh_token, rs)).body).toEqual({ active: false });
  });

  it('A11: a public client may not introspect, not even its own token: 401 invalid_client', async () => {
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const tokens = await signIn(sb, pub);
    const answer = await introspect(sb, tokens.access_token, pub);
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(answer.text).not.toContain('active');
  });

  it('A12: introspection answers are no-store and every introspection is counted, so caching is observable', async () => {
    const tokens = await signIn(sb, client);
    await sb.resetStats();
    const active = await introspect(sb, tokens.access_token, client);
    const inactive = await introspect(sb, 'B'.repeat(43), client);
    await introspect(sb, tokens.access_token, null);
    for (const answer of [active, inactive]) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
    }
    const stats = await sb.stats();
    expect(stats.introspections).toBe(3);
    expect(stats.requests['POST /oauth/introspect']).toBe(3);
  });
});

describe('introspection under the publicIntrospection flag (CONTRACT AC6)', () => {
  const { sb } = useSandboxWithClient({ autoApprove: 'first', flags: { publicIntrospection: true } });

  it('a public client sees its own access tokens, and no one else’s', async () => {
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const other = await register(sb);
    const own = await signIn(sb, pub);
    const foreign = await signIn(sb, other);
    expect((await introspect(sb, own.access_token, pub)).body).toMatchObject({ active: true, client_id: pub.client_id });
    expect((await introspect(sb, foreign.access_token, pub)).body).toEqual({ active: false });
  });
});
