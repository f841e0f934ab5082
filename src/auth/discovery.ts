/**
 * Finds the authorization server's endpoints at run time (CONTRACT A1): nothing but the
 * issuer is configured. The well-known URLs are tried in the order MCP 2025-11-25 gives
 * (RFC 8414 with path insertion, then OpenID Connect Discovery); the first document found
 * is accepted only if it names the issuer we asked for, supports PKCE S256, and carries the
 * endpoints every flow needs. Which optional endpoints a mode needs is checked by that mode.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#authorization-server-metadata-discovery
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from '../config.js';
import { type ErrorDetailsByCode, WhataloError } from '../errors.js';
import { type HttpDeps, type RequestOptions, oauthFailure, requestOptions } from './oauth.js';

/** The endpoints every flow calls. */
const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint'] as const;
/** Endpoints used when present; each is checked like the required ones. */
const OPTIONAL_ENDPOINTS = ['registration_endpoint', 'introspection_endpoint', 'revocation_endpoint'] as const;

export type EndpointName = (typeof REQUIRED_ENDPOINTS)[number] | (typeof OPTIONAL_ENDPOINTS)[number];

function protocolError(issuer: URL, message: string, details?: ErrorDetailsByCode['AS_PROTOCOL']): WhataloError {
  const where = issuer.pathname === '/' ? issuer.origin : issuer.href;
  return new WhataloError('AS_PROTOCOL', `The authorization server at ${where} cannot be used: ${message}.`, {
    hint: "Check WHATALO_ISSUER (or the remote server's metadata).",
    ...(details ? { details } : {}),
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
  for (const name of [...REQUIRED_ENDPOINTS, ...OPTIONAL_ENDPOINTS]) {
    const value = as[name];
    if (value === undefined && (OPTIONAL_ENDPOINTS as readonly string[]).includes(name)) continue;
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

/** Refuses metadata without an endpoint that `purpose` needs. */
export function requireEndpoint(as: oauth.AuthorizationServer, name: EndpointName, purpose: string): void {
  if (typeof as[name] !== 'string' || as[name] === '') {
    throw protocolError(new URL(as.issuer), `its metadata has no "${name}", which ${purpose}`);
  }
}

/**
 * The metadata URLs for `issuer`, in the order to try them: RFC 8414 §3.1 inserts the
 * well-known segment before the issuer's path; OpenID Connect Discovery 1.0 §4 appends it
 * (and, for issuers with a path, MCP also tries it inserted).
 */
export function metadataUrls(issuer: URL): URL[] {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
  const at = (pathname: string) => new URL(pathname, issuer.origin);
  if (path === '') return [at('/.well-known/oauth-authorization-server'), at('/.well-known/openid-configuration')];
  return [at(`/.well-known/oauth-authorization-server${path}`), at(`/.well-known/openid-configuration${path}`), at(`${path}/.well-known/openid-configuration`)];
}

/**
 * A GET through the same options as oauth4webapi's own requests (timeout, the injected
 * fetch), for metadata URLs its helpers do not build. Plain http only to loopback.
 */
export function metadataRequest(url: URL, options: RequestOptions): Promise<Response> {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new WhataloError('AS_PROTOCOL', `Refusing to read metadata from ${url.href}: it must use https.`);
  }
  const doFetch = (options[oauth.customFetch] as typeof fetch | undefined) ?? fetch;
  const signal = typeof options.signal === 'function' ? options.signal(url.href) : options.signal;
  return doFetch(url.href, { method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual', ...(signal ? { signal } : {}) });
}

/** A 404 (or another 4xx) means "not here, try the next well-known URL". */
function isAbsent(response: Response): boolean {
  return response.status >= 400 && response.status < 500;
}

/** The issuer a metadata document names, read without consuming the response. */
async function namedIssuer(response: Response): Promise<URL | undefined> {
  try {
    const body = (await response.clone().json()) as { issuer?: unknown };
    return typeof body.issuer === 'string' ? new URL(body.issuer) : undefined;
  } catch {
    return undefined; // oauth4webapi names what is wrong with it
  }
}

/**
 * Reads the metadata of `issuer` from the first well-known URL that has it, and checks it.
 * The document must name `issuer` itself, unless `acceptIssuer` is given: then it is what
 * decides (for 2025-03-26 servers, whose AS is known only by the origin it lives on).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3 (the issuer must match)
 */
export async function discoverAuthorizationServer(
  issuer: URL,
  deps: HttpDeps = {},
  acceptIssuer?: (named: URL) => boolean,
): Promise<oauth.AuthorizationServer> {
  let as: oauth.AuthorizationServer | undefined;
  const tried: string[] = [];
  try {
    for (const url of metadataUrls(issuer)) {
      const response = await metadataRequest(url, requestOptions(issuer, deps));
      if (isAbsent(response)) {
        await response.body?.cancel();
        tried.push(url.href);
        continue;
      }
      let expected = issuer;
      if (acceptIssuer) {
        const named = await namedIssuer(response);
        if (named && acceptIssuer(named)) expected = named;
      }
      as = await oauth.processDiscoveryResponse(expected, response);
      break;
    }
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body;
      throw protocolError(issuer, `its metadata names the issuer ${JSON.stringify(body?.issuer)}, not ${JSON.stringify(issuer.href)}`);
    }
    throw oauthFailure(error, 'discovery', issuer);
  }
  if (!as) throw protocolError(issuer, `it publishes no metadata (tried ${tried.join(', ')})`, { reason: 'no_metadata' });
  return checkMetadata(as, new URL(as.issuer));
}

/** The checks every accepted metadata document passes, whichever way it was found. */
export function checkMetadata(as: oauth.AuthorizationServer, issuer: URL): oauth.AuthorizationServer {
  assertS256(as, issuer);
  assertEndpoints(as, issuer);
  return as;
}
