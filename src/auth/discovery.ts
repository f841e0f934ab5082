/**
 * Finds the authorization server's endpoints at run time (CONTRACT A1): nothing but the
 * issuer is configured. The metadata is accepted only if it names the issuer we asked for,
 * supports PKCE S256, and lists every endpoint the broker uses.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from '../config.js';
import { WhataloError } from '../errors.js';
import { type HttpDeps, oauthFailure, requestOptions } from './oauth.js';

/** The endpoints the broker calls; each must be present in the metadata. */
const REQUIRED_ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
] as const;

function protocolError(issuer: URL, message: string): WhataloError {
  return new WhataloError('AS_PROTOCOL', `The authorization server at ${issuer.origin} cannot be used: ${message}.`, {
    hint: 'Check WHATALO_ISSUER.',
  });
}

/** PKCE with S256 is mandatory (CONTRACT A4, RFC 9700 §2.1.1): an AS that does not say so is refused. */
function assertS256(as: oauth.AuthorizationServer, issuer: URL): void {
  const methods = as.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('S256')) {
    throw protocolError(issuer, `its metadata does not list "S256" in code_challenge_methods_supported (got ${JSON.stringify(methods ?? null)})`);
  }
}

/** Every endpoint is https, or http on loopback when the issuer itself is loopback http (the sandbox). */
function assertEndpoints(as: oauth.AuthorizationServer, issuer: URL): void {
  const insecureAllowed = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
  for (const name of REQUIRED_ENDPOINTS) {
    const value = as[name];
    if (typeof value !== 'string' || value === '') throw protocolError(issuer, `its metadata has no "${name}"`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw protocolError(issuer, `"${name}" is not an absolute URL (${JSON.stringify(value)})`);
    }
    const ok = url.protocol === 'https:' || (insecureAllowed && url.protocol === 'http:' && isLoopbackHost(url.hostname));
    if (!ok) throw protocolError(issuer, `"${name}" must use https (got ${JSON.stringify(value)})`);
  }
}

/**
 * Reads `{issuer}/.well-known/oauth-authorization-server` and checks it.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3 (the issuer must match)
 */
export async function discoverAuthorizationServer(issuer: URL, deps: HttpDeps = {}): Promise<oauth.AuthorizationServer> {
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, { ...requestOptions(issuer, deps), algorithm: 'oauth2' });
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body;
      throw protocolError(issuer, `its metadata names the issuer ${JSON.stringify(body?.issuer)}, not ${JSON.stringify(issuer.href)}`);
    }
    throw oauthFailure(error, 'discovery', issuer);
  }
  assertS256(as, issuer);
  assertEndpoints(as, issuer);
  return as;
}
