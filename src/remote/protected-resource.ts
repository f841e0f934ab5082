/**
 * What a remote MCP server says about its own authorization (RFC 9728): the Bearer challenge
 * of a 401/403, and the protected resource metadata it points to, which names the
 * authorization server and the resource identifier tokens must be issued for.
 *
 * The metadata is found where the challenge's `resource_metadata` says, else at the
 * path-inserted well-known URL, else at the root one (MCP 2025-11-25). A server that has
 * none is a 2025-03-26 server: its authorization server lives at its own origin.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#protected-resource-metadata-discovery-requirements
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from '../config.js';
import { WhataloError } from '../errors.js';
import { metadataRequest } from '../auth/discovery.js';
import { type HttpDeps, oauthFailure, requestOptions } from '../auth/oauth.js';

/** The parts of a Bearer challenge this client acts on. */
export interface BearerChallenge {
  /** `resource_metadata`: where the server's RFC 9728 metadata is. */
  resourceMetadata: URL | undefined;
  /** `scope`: what the server asks the token to carry (space-separated). */
  scope: string | undefined;
  /** `error`: invalid_token, insufficient_scope, … */
  error: string | undefined;
}

/**
 * The challenges of a WWW-Authenticate header, parsed by oauth4webapi. Its parser is not
 * exported in 3.8; every response check of it throws the parsed challenges, so a bodiless
 * copy of the header is handed to one (revocation's, the simplest).
 */
async function parseChallenges(header: string): Promise<oauth.WWWAuthenticateChallenge[]> {
  try {
    await oauth.processRevocationResponse(new Response(null, { status: 401, headers: { 'www-authenticate': header } }));
  } catch (error) {
    if (error instanceof oauth.WWWAuthenticateChallengeError) return error.cause;
  }
  return []; // malformed: treated as no header, the well-known URLs remain
}

/** The Bearer challenge of a response's WWW-Authenticate header; empty fields when there is none or it is malformed. */
export async function bearerChallenge(response: Response): Promise<BearerChallenge> {
  const header = response.headers.get('www-authenticate');
  const challenges = header ? await parseChallenges(header) : [];
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  const text = (name: Lowercase<string>) => {
    const value = bearer?.parameters[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  let resourceMetadata: URL | undefined;
  const named = text('resource_metadata');
  if (named) {
    try {
      resourceMetadata = new URL(named);
    } catch {
      resourceMetadata = undefined;
    }
  }
  return { resourceMetadata, scope: text('scope'), error: text('error') };
}

/** Where a server's authorization is, once discovered. */
export interface RemoteAuthorization {
  /** The resource identifier: what every authorization, token and refresh request names as `resource`. */
  resource: URL;
  /** The authorization server's issuer. */
  issuer: URL;
  /** `scopes_supported` of the metadata, when listed. */
  scopesSupported: string[] | undefined;
  /** False for a 2025-03-26 server without metadata: its AS is its origin, and the issuer it names may differ in path. */
  fromMetadata: boolean;
}

/** RFC 9728 §3.1: the well-known segment inserted before the resource's path, then the root one. */
export function resourceMetadataUrls(server: URL): URL[] {
  const path = server.pathname === '/' ? '' : server.pathname.replace(/\/$/, '');
  const root = new URL('/.well-known/oauth-protected-resource', server.origin);
  return path === '' ? [root] : [new URL(`/.well-known/oauth-protected-resource${path}`, server.origin), root];
}

function refused(server: URL, message: string, hint?: string): WhataloError {
  return new WhataloError('AS_PROTOCOL', `The MCP server at ${server.href} cannot be used: ${message}.`, {
    hint: hint ?? 'Check the --remote / WHATALO_REMOTE_URL address, or ask the server operator.',
  });
}

/**
 * True when `resource` identifies `server`: the same URL, or the same origin with a path the
 * server's path lies under (a resource may cover several endpoints, RFC 8707 §2). Anything
 * else is a server naming another resource as its own: tokens for it must not be asked for.
 * The origin leaves user information out, so it is checked apart: `http://evil@host/mcp` is
 * another identifier than `http://host/mcp`, and an AS would mint tokens for it as such.
 */
export function resourceCovers(resource: URL, server: URL): boolean {
  if (resource.username !== server.username || resource.password !== server.password) return false;
  if (resource.origin !== server.origin || resource.search || resource.hash) return false;
  const base = resource.pathname.replace(/\/$/, '');
  const path = server.pathname.replace(/\/$/, '');
  return base === path || path.startsWith(`${base}/`) || base === '';
}

/** Plain http only on loopback, as everywhere else. */
function assertSecure(server: URL, url: URL, what: string): void {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return;
  throw refused(server, `${what} ${JSON.stringify(url.href)} must use https`);
}

/**
 * Reads and checks the protected resource metadata of `server`. Refuses a document whose
 * `resource` does not identify the server, or that names no authorization server.
 */
export async function discoverProtectedResource(server: URL, challenge: BearerChallenge, http: HttpDeps = {}): Promise<RemoteAuthorization> {
  const candidates = challenge.resourceMetadata ? [challenge.resourceMetadata, ...resourceMetadataUrls(server)] : resourceMetadataUrls(server);
  for (const url of candidates) {
    assertSecure(server, url, 'the resource metadata address');
    let response: Response;
    try {
      response = await metadataRequest(url, requestOptions(url, http));
    } catch (error) {
      throw oauthFailure(error, 'discovery', url);
    }
    if (response.status >= 400 && response.status < 500) {
      await response.body?.cancel();
      continue;
    }
    let named: URL | undefined;
    try {
      const body = (await response.clone().json()) as { resource?: unknown };
      named = typeof body.resource === 'string' ? new URL(body.resource) : undefined;
    } catch {
      named = undefined; // oauth4webapi names what is wrong below
    }
    if (named && !resourceCovers(named, server)) {
      await response.body?.cancel();
      throw refused(
        server,
        `its protected resource metadata (${url.href}) names the resource ${JSON.stringify(named.href)}, not this server; no sign-in was started`,
        'The server may be misconfigured, or the address may lead somewhere else than intended; check --remote / WHATALO_REMOTE_URL.',
      );
    }
    let metadata: oauth.ResourceServer;
    try {
      metadata = await oauth.processResourceDiscoveryResponse(named ?? server, response);
    } catch (error) {
      throw oauthFailure(error, 'discovery', url);
    }
    const servers = Array.isArray(metadata.authorization_servers) ? metadata.authorization_servers.filter((s) => typeof s === 'string') : [];
    if (servers.length === 0) throw refused(server, `its protected resource metadata (${url.href}) names no authorization server`);
    let issuer: URL;
    try {
      issuer = new URL(servers[0]!);
    } catch {
      throw refused(server, `its protected resource metadata names the authorization server ${JSON.stringify(servers[0])}, which is not a URL`);
    }
    assertSecure(server, issuer, 'the authorization server');
    const scopes = Array.isArray(metadata.scopes_supported) ? metadata.scopes_supported.filter((s) => typeof s === 'string') : undefined;
    return { resource: new URL(metadata.resource), issuer, scopesSupported: scopes, fromMetadata: true };
  }
  // MCP 2025-03-26: no protected resource metadata; the AS is the server's origin.
  return { resource: server, issuer: new URL(server.origin), scopesSupported: undefined, fromMetadata: false };
}
