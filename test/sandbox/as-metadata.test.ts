import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/scopes.js';
import { startTestSandbox, useTestSandbox } from '../helpers/sandbox.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

async function metadataOf(issuer: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('authorization server metadata (RFC 8414)', () => {
  const sb = useTestSandbox();
  let meta: Record<string, unknown>;
  beforeAll(async () => {
    meta = await metadataOf(sb.issuer);
  });

  it('A1: the document names exactly the issuer asked for, every endpoint under /oauth/, and Whatalo’s fields', () => {
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
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    // Introspection and revocation: secrets only, no "none" (a public client cannot introspect).
    expect(meta.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(meta.revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(meta.subject_types_supported).toEqual(['public']);
    expect(meta.resource_parameter_supported).toBe(true);
    expect(meta.service_documentation).toBe('https://developers.whatalo.com/docs/api/oauth/overview');
    expect(meta.op_policy_uri).toMatch(/^https:\/\//);
    expect(meta.op_tos_uri).toMatch(/^https:\/\//);
    // Whatalo does not advertise RFC 9207, so a client must not require iss on the redirect.
    expect(meta).not.toHaveProperty('authorization_response_iss_parameter_supported');
  });

  it('A2: grant_types_supported is the discovery guide’s, token exchange included', () => {
    expect(meta.grant_types_supported).toEqual(['authorization_code', 'refresh_token', EXCHANGE]);
  });

  it('A4: the metadata has no jwks_uri because tokens are opaque', () => {
    expect(meta).not.toHaveProperty('jwks_uri');
  });

  it('A3: scopes_supported is exactly Whatalo’s fifteen scopes, no category scope', () => {
    expect(meta.scopes_supported).toEqual([...ALL_SCOPES]);
    expect(meta.scopes_supported).toHaveLength(15);
    expect(meta.scopes_supported).not.toContain('read:categories');
    expect(meta.scopes_supported).not.toContain('write:categories');
  });
});

describe('metadata under the sandbox flags (CONTRACT AC6)', () => {
  it('issParameter advertises RFC 9207, publicIntrospection adds "none", referenceMetadata drops the exchange; all switchable at run time', async () => {
    const sb = await startTestSandbox({ flags: { issParameter: true, publicIntrospection: true, referenceMetadata: true } });
    try {
      let meta = await metadataOf(sb.issuer);
      expect(meta.authorization_response_iss_parameter_supported).toBe(true);
      expect(meta.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
      expect(meta.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
      await sb.flags({ iss_parameter: false, public_introspection: false, reference_metadata: false });
      meta = await metadataOf(sb.issuer);
      expect(meta).not.toHaveProperty('authorization_response_iss_parameter_supported');
      expect(meta.grant_types_supported).toContain(EXCHANGE);
    } finally {
      await sb.close();
    }
  });
});
