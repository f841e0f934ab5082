/**
 * The sandbox reads `scope` by RFC 6749 §3.3 itself (single spaces between tokens, nothing
 * around them), not with the client's forgiving splitScopes: a client that sent a sloppy scope
 * string would otherwise pass against the fake and fail against a strict AS.
 */
import { describe, expect, it } from 'vitest';
import { authorizeRaw, redirectParams, refresh, registerRaw, signIn, useSandboxWithClient } from './as-kit.js';

const { sb, client } = useSandboxWithClient();
const SLOPPY = ['read:store  read:products', ' read:store', 'read:store ', 'read:store\tread:products', 'read:"store"'];

describe('scope syntax (RFC 6749 §3.3)', () => {
  it('authorize refuses double, leading, trailing or non-space separators and quotes with invalid_scope', async () => {
    for (const scope of SLOPPY) {
      const answer = redirectParams(await authorizeRaw(sb, { client, scope }));
      expect(answer.get('error'), scope).toBe('invalid_scope');
      expect(answer.get('error_description')).toMatch(/single spaces/);
    }
  });

  it('a refresh that narrows with a sloppy scope is invalid_scope; a well-formed one works', async () => {
    const tokens = await signIn(sb, client, { scope: 'read:store read:products' });
    const sloppy = await refresh(sb, client, tokens.refresh_token, { scope: 'read:store  read:products' });
    expect(sloppy.body.error).toBe('invalid_scope');
    const fine = await refresh(sb, client, tokens.refresh_token, { scope: 'read:store' });
    expect(fine.body).toMatchObject({ scope: 'read:store' });
  });

  it('registration refuses a sloppy scope as invalid_client_metadata', async () => {
    const response = await registerRaw(sb, {
      client_name: 'Sloppy',
      redirect_uris: ['http://127.0.0.1/callback'],
      token_endpoint_auth_method: 'none',
      scope: 'read:store  read:orders',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });
});
