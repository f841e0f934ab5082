/**
 * CONTRACT R3 field by field: what the resource server makes of an introspection answer.
 * The AS's `active:true` is necessary, never sufficient (Whatalo says it for any token, for
 * any confidential client, and names the token's audience in `aud`).
 */
import { describe, expect, it } from 'vitest';
import { acceptToken } from '../../src/server/http/tokens.js';

const audience = { resource: 'https://mcp.example/mcp', issuer: 'https://app.whatalo.com' };
const now = Date.UTC(2026, 11, 7, 12);
const active = {
  active: true,
  scope: 'read:store write:products',
  client_id: 'abcdefghijklmnopqrstuvwx',
  sub: 'usr_0123456789abcdef',
  exp: now / 1000 + 600,
  iat: now / 1000 - 60,
  token_type: 'Bearer',
  aud: audience.resource,
  iss: audience.issuer,
  whatalo_store_id: 'str_8k2m4n6p',
};

describe('acceptToken', () => {
  it('accepts an active token for this resource from the issuer, with its store, merchant and scopes', () => {
    expect(acceptToken(active, audience, now)).toEqual({
      clientId: active.client_id,
      storeId: 'str_8k2m4n6p',
      merchant: 'usr_0123456789abcdef',
      scopes: ['read:store', 'write:products'],
      exp: active.exp,
    });
    expect(acceptToken({ ...active, aud: [audience.resource] }, audience, now)).not.toHaveProperty('refused');
  });

  it.each([
    ['another server as aud', { aud: 'https://other.example/mcp' }],
    ['the API as aud', { aud: 'https://api.whatalo.com' }],
    ['this resource with a trailing slash', { aud: 'https://mcp.example/mcp/' }],
    ['this and another server in aud', { aud: [audience.resource, 'https://other.example/mcp'] }],
    ['no aud', { aud: undefined }],
    ['another issuer', { iss: 'https://evil.example' }],
    ['no iss', { iss: undefined }],
    ['exp now', { exp: now / 1000 }],
    ['no exp', { exp: undefined }],
    ['inactive', { active: false }],
    ['no store', { whatalo_store_id: undefined }],
    ['a store with a control character', { whatalo_store_id: 'str_8k2m\n4n6p' }],
    ['no client_id', { client_id: undefined }],
  ])('refuses %s', (_what, change) => {
    expect(acceptToken({ ...active, ...change } as never, audience, now)).toHaveProperty('refused');
  });
});
