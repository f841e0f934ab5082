import { describe, expect, it } from 'vitest';
import type { TestSandbox } from '../helpers/sandbox.js';
import { introspect, postForm, refresh, register, revoke, sha256Hex, signIn, useSandboxWithClient } from './as-kit.js';

/** Whether the sandbox holds `token` active (refresh tokens too, and whoever may introspect). */
async function isLive(sb: TestSandbox, token: string): Promise<boolean> {
  const digest = sha256Hex(token);
  return (await sb.grants()).some((g) => g.tokens.some((t) => t.sha256 === digest && t.active));
}

describe('revocation (RFC 7009)', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('A13: always 200 with an empty body, for known, unknown and already revoked tokens', async () => {
    const tokens = await signIn(sb, client);
    for (const [token, hint] of [
      [tokens.access_token, 'access_token'],
      [tokens.access_token, 'access_token'],
      ['C'.repeat(43), 'refresh_token'],
      ['not even token-shaped', 'something_else'],
    ] as const) {
      const answer = await revoke(sb, token, client, { token_type_hint: hint });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
    }
    expect((await revoke(sb, tokens.refresh_token, client)).status).toBe(200);
  });

  it('A13: confidential clients authenticate by Basic or body; public clients send client_id only', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'none'] as const) {
      const c = await register(sb, { token_endpoint_auth_method: method });
      const tokens = await signIn(sb, c);
      const answer = await revoke(sb, tokens.access_token, c);
      expect({ method, status: answer.status }).toEqual({ method, status: 200 });
      // The revocation took effect: the token is gone, and only that token.
      expect(await isLive(sb, tokens.access_token)).toBe(false);
      const access = await postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, c);
      expect(access.status).toBe(200);
    }
  });

  it('A13: a confidential client may use the other method than it registered, at introspection and revocation', async () => {
    for (const [registered, sent] of [
      ['client_secret_basic', 'client_secret_post'],
      ['client_secret_post', 'client_secret_basic'],
    ] as const) {
      const c = await register(sb, { token_endpoint_auth_method: registered });
      const tokens = await signIn(sb, c);
      const other = { ...c, token_endpoint_auth_method: sent };
      expect((await introspect(sb, tokens.access_token, other)).body.active).toBe(true);
      expect((await revoke(sb, tokens.access_token, other)).status).toBe(200);
      expect((await introspect(sb, tokens.access_token, c)).body).toEqual({ active: false });
    }
  });

  it('A13: an unauthenticated or wrong-secret confidential client is 401 invalid_client', async () => {
    const tokens = await signIn(sb, client);
    const anonymous = await revoke(sb, tokens.access_token, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const wrong = await revoke(sb, tokens.access_token, { ...client, client_secret: 'wrong' });
    expect(wrong.status).toBe(401);
    const idOnly = await revoke(sb, tokens.access_token, { ...client, token_endpoint_auth_method: 'none' });
    expect(idOnly.status).toBe(401);
    // None of them revoked anything.
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);
  });

  it('A13: right after revoking an access token it introspects as inactive; its refresh token lives on', async () => {
    const tokens = await signIn(sb, client);
    await revoke(sb, tokens.access_token, client, { token_type_hint: 'access_token' });
    expect((await introspect(sb, tokens.access_token, client)).body).toEqual({ active: false });
    expect(await isLive(sb, tokens.refresh_token)).toBe(true);
    expect((await refresh(sb, client, tokens.refresh_token)).status).toBe(200);
  });

  it('A13: revoking a refresh token ends its family: the access tokens issued in it are inactive at once', async () => {
    const tokens = await signIn(sb, client);
    const rotated = (await refresh(sb, client, tokens.refresh_token)).body as { access_token: string; refresh_token: string };
    // A wrong hint does not stop the search (RFC 7009 §2.1).
    await revoke(sb, rotated.refresh_token, client, { token_type_hint: 'access_token' });
    for (const token of [tokens.access_token, rotated.access_token, rotated.refresh_token]) {
      expect((await introspect(sb, token, client)).body).toEqual({ active: false });
    }
    expect((await refresh(sb, client, rotated.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('A13: another client cannot revoke a token that is not its own, and still gets 200', async () => {
    const tokens = await signIn(sb, client);
    const other = await register(sb);
    const answer = await revoke(sb, tokens.refresh_token, other);
    expect(answer.status).toBe(200);
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);
  });

  it('counts revocations and refuses a request without a token', async () => {
    await sb.resetStats();
    const tokens = await signIn(sb, client);
    await revoke(sb, tokens.access_token, client);
    await revoke(sb, 'D'.repeat(43), client);
    const missing = await postForm(sb, '/oauth/revoke', {}, client);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    expect((await sb.stats()).revocations).toBe(2);
  });
});
