import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/scopes.js';
import { useTestSandbox } from '../helpers/sandbox.js';

describe('authorization server metadata (RFC 8414)', () => {
  const sb = useTestSandbox();
  let meta: Record<string, unknown>;
  beforeAll(async () => {
    const response = await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    meta = (await response.json()) as Record<string, unknown>;
  });

  it('A1: the document names exactly the issuer asked for, and every endpoint under it', () => {
    expect(sb.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(meta.issuer).toBe(sb.issuer);
    for (const [field, path] of [
      ['authorization_endpoint', '/oauth/authorize'],
      ['token_endpoint', '/oauth/token'],
      ['registration_endpoint', '/oauth/register'],
      ['introspection_endpoint', '/oauth/introspect'],
      ['revocation_endpoint', '/oauth/revoke'],
    ] as const) {
      expect(meta[field]).toBe(sb.issuer + path);
    }
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    expect(meta.introspection_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(meta.revocation_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']));
  });

  it('A2: the metadata has no jwks_uri because tokens are opaque', () => {
    expect(meta).not.toHaveProperty('jwks_uri');
  });

  it('A17: scopes_supported is exactly the ten scopes of the catalog', () => {
    expect(meta.scopes_supported).toEqual([...ALL_SCOPES]);
    expect(ALL_SCOPES).toEqual([
      'read:store',
      'read:products',
      'write:products',
      'read:inventory',
      'write:inventory',
      'read:categories',
      'write:categories',
      'read:customers',
      'read:orders',
      'write:orders',
    ]);
  });
});
