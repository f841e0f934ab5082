import { describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.js';
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

  it('A11: an active token is described to its own client with every required field', async () => {
    const tokens = await signIn(sb, client, { scope: 'read:products write:products' });
    const answer = await introspect(sb, tokens.access_token, client);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({
      active: true,
      scope: 'read:products write:products',
      client_id: client.client_id,
      sub: sb.merchant,
      whatalo_store_id: sb.stores[0]!.id,
      token_type: 'Bearer',
    });
    expect(body.sub).toMatch(/^usr_/);
    expect(body.whatalo_store_id).toMatch(/^str_/);
    expect(body.exp).toBe((body.iat as number) + 3600);
    expect(Math.abs((body.iat as number) - Date.now() / 1000)).toBeLessThan(300);
    expect(body).not.toHaveProperty('aud');
  });

  it('A11: client_secret_post callers are authenticated too', async () => {
    const post = await register(sb, { token_endpoint_auth_method: 'client_secret_post' });
    const tokens = await signIn(sb, post);
    expect((await introspect(sb, tokens.access_token, post)).body.active).toBe(true);
  });

  it('A11: unknown, foreign and expired tokens are exactly {"active":false}', async () => {
    const tokens = await signIn(sb, client);
    const other = await register(sb);
    expect((await introspect(sb, 'A'.repeat(43), client)).body).toEqual({ active: false });
    expect((await introspect(sb, tokens.access_token, other)).body).toEqual({ active: false });
    expect((await introspect(sb, tokens.refresh_token, other)).body).toEqual({ active: false });
    const missing = await postForm(sb, '/oauth/introspect', {}, client);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');

    const own = await startTestSandbox({ autoApprove: 'first' });
    try {
      const c = await register(own);
      const t = await signIn(own, c);
      await own.advanceClock(3600);
      expect((await introspect(own, t.access_token, c)).text).toBe('{"active":false}');
    } finally {
      await own.close();
    }
  });

  it('A11: a resource server registered with a resource sees tokens whose aud is that resource, and no others', async () => {
    const rs = await register(sb, { redirect_uris: undefined, grant_types: undefined, resource: 'https://mcp.example/' });
    const forRs = await signIn(sb, client, { tokenExtra: { resource: 'https://mcp.example/' } });
    const forOther = await signIn(sb, client, { tokenExtra: { resource: 'https://elsewhere.example/' } });
    const plain = await signIn(sb, client);

    expect((await introspect(sb, forRs.access_token, rs)).body).toMatchObject({
      active: true,
      aud: 'https://mcp.example/',
      client_id: client.client_id,
      whatalo_store_id: sb.stores[0]!.id,
    });
    expect((await introspect(sb, forOther.access_token, rs)).body).toEqual({ active: false });
    expect((await introspect(sb, plain.access_token, rs)).body).toEqual({ active: false });
    // A resource server never learns about refresh tokens.
    expect((await introspect(sb, forRs.refresh_token, rs)).body).toEqual({ active: false });
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
