/**
 * Interop against an authorization server no one here wrote: panva's oidc-provider
 * (OpenID-certified), configured like Whatalo (DCR, S256 only, opaque tokens, introspection,
 * revocation, resource indicators). It publishes only OpenID discovery, so finding it proves
 * the fallback after RFC 8414; registering proves the native loopback redirect it refused
 * before, and the auth method follows what it lists.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { registerTestClient } from '../auth/kit.js';
import { type WhataloLikeAs, startWhataloLikeAs } from './whatalo-like-as.js';

let server: WhataloLikeAs;
let issuer: URL;

beforeAll(async () => {
  server = await startWhataloLikeAs({ authMethods: ['client_secret_basic', 'client_secret_post', 'none'] });
  ({ issuer } = server);
});
afterAll(() => server.close());

it('finds oidc-provider by OpenID discovery after the RFC 8414 URL answers 404', async () => {
  const as = await discoverAuthorizationServer(issuer);
  expect(new URL(as.issuer).origin).toBe(issuer.origin);
  expect(as.code_challenge_methods_supported).toEqual(['S256']);
  expect(as.registration_endpoint).toBeTypeOf('string');
});

it('registers as a native app with exact-port loopback redirects (refused as a web client before), by HTTP Basic', async () => {
  const as = await discoverAuthorizationServer(issuer);
  const registration = await registerTestClient(as, new URL(as.issuer));
  expect(registration.token_endpoint_auth_method).toBe('client_secret_basic');
  expect(registration.client_secret).toBeTypeOf('string');
});

it('with an AS that takes only client_secret_post, registers for it', async () => {
  const post = await startWhataloLikeAs({ authMethods: ['client_secret_post'] });
  try {
    const as = await discoverAuthorizationServer(post.issuer);
    const registration = await registerTestClient(as, new URL(as.issuer));
    expect(registration.token_endpoint_auth_method).toBe('client_secret_post');
  } finally {
    await post.close();
  }
});
