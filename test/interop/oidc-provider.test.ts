/**
 * Interop against an authorization server no one here wrote: panva's oidc-provider
 * (OpenID-certified), configured like Whatalo (DCR, S256 only, opaque tokens, introspection,
 * revocation, resource indicators). It publishes only OpenID discovery, so finding it proves
 * the fallback after RFC 8414; registering proves the native loopback redirect it refused
 * before, and the auth method follows what it lists.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { registerClient } from '../../src/auth/registration.js';

let server: http.Server;
let issuer: URL;

async function start(authMethods: string[]): Promise<{ server: http.Server; issuer: URL }> {
  const srv = http.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
  const provider = new Provider(url.origin, {
    features: {
      registration: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'http://127.0.0.1/api/v1',
        getResourceServerInfo: () => ({ scope: 'read:store', accessTokenFormat: 'opaque' }),
      },
    },
    pkce: { required: () => true },
    clientAuthMethods: authMethods as never,
  });
  srv.on('request', provider.callback());
  return { server: srv, issuer: url };
}

beforeAll(async () => {
  ({ server, issuer } = await start(['client_secret_basic', 'client_secret_post', 'none']));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('finds oidc-provider by OpenID discovery after the RFC 8414 URL answers 404', async () => {
  const as = await discoverAuthorizationServer(issuer);
  expect(new URL(as.issuer).origin).toBe(issuer.origin);
  expect(as.code_challenge_methods_supported).toEqual(['S256']);
  expect(as.registration_endpoint).toBeTypeOf('string');
});

it('registers as a native app with the loopback redirect (refused as a web client before), by HTTP Basic', async () => {
  const as = await discoverAuthorizationServer(issuer);
  const registration = await registerClient(as, new URL(as.issuer));
  expect(registration.token_endpoint_auth_method).toBe('client_secret_basic');
  expect(registration.client_secret).toBeTypeOf('string');
});

it('with an AS that takes only client_secret_post, registers for it', async () => {
  const post = await start(['client_secret_post']);
  try {
    const as = await discoverAuthorizationServer(post.issuer);
    const registration = await registerClient(as, new URL(as.issuer));
    expect(registration.token_endpoint_auth_method).toBe('client_secret_post');
  } finally {
    await new Promise<void>((resolve) => post.server.close(() => resolve()));
  }
});
