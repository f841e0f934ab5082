/**
 * Remote mode's authorization as an MCP client (MCP 2025-11-25 "Authorization"): what to
 * do when the remote server answers 401 or 403 `insufficient_scope`. It finds the server's
 * authorization server once (RFC 9728, then RFC 8414 / OpenID discovery), and from then on
 * uses the broker's own connection for it: the same credential stores and cross-process
 * locks, single-flight refresh, one sign-in flow across processes, and `resource` on every
 * authorization, token and refresh request. The grant is kept under the resource's URL.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
 */
import type * as oauth from 'oauth4webapi';
import type { Config } from '../config.js';
import { WhataloError, isWhataloError } from '../errors.js';
import { joinScopes, splitScopes } from '../scopes.js';
import { type Connection, type ConnectionDeps, createConnection } from '../auth/connection.js';
import { discoverAuthorizationServer } from '../auth/discovery.js';
import { grantsAll } from '../auth/grant.js';
import { type HttpDeps, REQUEST_TIMEOUT_MS } from '../auth/oauth.js';
import { AS_MAX_BYTES, fetchBounded } from '../net/bounded.js';
import type { AuthTarget } from '../auth/session.js';
import { type BearerChallenge, type RemoteAuthorization, bearerChallenge, discoverProtectedResource } from './protected-resource.js';
import { fetchFailure } from './unreachable.js';

export interface RemoteAuthorizer {
  /** The remote server's URL, as configured. */
  readonly server: URL;
  /** The access token to send now, or undefined while no grant is known in this process (the first request goes without). */
  currentToken(): Promise<string | undefined>;
  /** After a 401: a token that may work; refreshes `failed` or signs in (once across processes). */
  onUnauthorized(challenge: BearerChallenge, failed: string | undefined): Promise<string>;
  /** After a 403 insufficient_scope: a new sign-in for the granted scopes plus the challenge's. */
  onInsufficientScope(challenge: BearerChallenge, failed: string | undefined): Promise<string>;
  /** The connection to the server's AS, asking the server for its challenge first (login, status, logout have no 401 of their own). */
  connect(): Promise<Connection>;
  /** What a sign-in from `login` asks for: the challenge's scope, else the metadata's scopes_supported, else none. */
  requestedScopes(): Promise<string[]>;
  /**
   * The stored grant of a server that cannot be reached, keyed by its URL (what the resource
   * is when the metadata agrees), whose AS cannot be found: for `logout`, which must be able to
   * remove a grant for a server that is gone. Every request to the AS fails with `why`.
   */
  offline(why: WhataloError): Connection;
}

const NO_CHALLENGE: BearerChallenge = { resourceMetadata: undefined, scope: undefined, error: undefined };

/** The server's challenge to a request without a token: a ping, which any MCP server answers or refuses cheaply. */
async function probeChallenge(server: URL, http: HttpDeps): Promise<BearerChallenge> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'whatalo-mcp-probe', method: 'ping' }),
  };
  let response: Response;
  try {
    response = await fetchBounded(server, init, {
      what: `the MCP server at ${server.href}`,
      maxBytes: AS_MAX_BYTES,
      timeoutMs: REQUEST_TIMEOUT_MS,
      fetch: http.fetch,
      signal: http.signal,
    });
  } catch (error) {
    throw fetchFailure(server, error, REQUEST_TIMEOUT_MS);
  }
  return response.status === 401 ? bearerChallenge(response) : NO_CHALLENGE;
}

/**
 * A 2025-03-26 server without any metadata: its AS endpoints are the fixed paths at its
 * origin (MCP 2025-03-26 "Fallbacks for Servers without Metadata Discovery").
 * @see https://modelcontextprotocol.io/specification/2025-03-26/basic/authorization#fallbacks-for-servers-without-metadata-discovery
 */
function fallbackMetadata(origin: URL): oauth.AuthorizationServer {
  const at = (path: string) => new URL(path, origin).href;
  return {
    issuer: origin.href,
    authorization_endpoint: at('/authorize'),
    token_endpoint: at('/token'),
    registration_endpoint: at('/register'),
    code_challenge_methods_supported: ['S256'],
    response_types_supported: ['code'],
  };
}

/** The AS metadata a discovered server points to; strict issuer, except for a 2025-03-26 server's origin. */
async function authorizationServerOf(place: RemoteAuthorization, http: HttpDeps): Promise<oauth.AuthorizationServer> {
  if (place.fromMetadata) return discoverAuthorizationServer(place.issuer, http);
  try {
    // Known only by its origin, the AS may name an issuer with a path there.
    return await discoverAuthorizationServer(place.issuer, http, (named) => named.origin === place.issuer.origin);
  } catch (error) {
    if (isWhataloError(error, 'AS_PROTOCOL') && error.details && 'reason' in error.details && error.details.reason === 'no_metadata')
      return fallbackMetadata(place.issuer);
    throw error;
  }
}

/** The key of a remote grant in clients.json, the credential store and the lock files. */
export function remoteKey(resource: URL): string {
  return resource.href;
}

export interface RemoteAuthorizerDeps extends ConnectionDeps {
  onProgress?: (message: string) => void;
}

export function createRemoteAuthorizer(config: Config, server: URL, deps: RemoteAuthorizerDeps): RemoteAuthorizer {
  const http: HttpDeps = deps.fetch ? { fetch: deps.fetch } : {};
  let found: Promise<{ connection: Connection; place: RemoteAuthorization }> | null = null;

  function connectTo(challenge: BearerChallenge): Promise<{ connection: Connection; place: RemoteAuthorization }> {
    found ??= (async () => {
      const place = await discoverProtectedResource(server, challenge, http);
      const as = await authorizationServerOf(place, http);
      const target: AuthTarget = { issuer: new URL(as.issuer), resource: place.resource.href, key: remoteKey(place.resource), introspect: false };
      deps.logger.debug('remote server authorization found', { resource: place.resource.href, issuer: as.issuer });
      const connection = createConnection(config, deps, { target, discover: async () => as });
      return { connection, place };
    })();
    found.catch(() => (found = null)); // a failed discovery is tried again by the next request
    return found;
  }

  let interactive: Promise<unknown> | null = null;
  /** One sign-in at a time in this process; concurrent requests share it, then each reads the stored grant. */
  async function signIn(connection: Connection, scopes: readonly string[], failed: string | undefined): Promise<string> {
    interactive ??= connection
      .signIn({
        scopes,
        // Another process's grant completed meanwhile serves too, unless it is the one just refused.
        reuse: (tokens) => tokens.access_token !== failed && grantsAll(tokens, scopes),
        timeoutMs: config.loginTimeoutSeconds * 1000,
        onProgress: deps.onProgress,
      })
      .finally(() => (interactive = null));
    try {
      await interactive;
    } catch (error) {
      if (isWhataloError(error, 'SIGN_IN_TIMEOUT')) {
        const url = error.details?.authorization_url;
        throw new WhataloError(
          'SIGN_IN_TIMEOUT',
          `Sign-in for the MCP server at ${server.href} was not completed within ${config.loginTimeoutSeconds} seconds` +
            `${typeof url === 'string' ? ` (the sign-in link was ${url})` : ''}.`,
          { hint: `Try again for a new sign-in link, or run \`whatalo-mcp login --remote ${server.href}\` in a terminal.`, cause: error },
        );
      }
      throw error;
    }
    const { session } = await connection.open();
    return session.getAccessToken();
  }

  /** What a first sign-in asks for: the challenge's scope, else what the metadata lists, else nothing (the AS's default). */
  function firstScopes(challenge: BearerChallenge, place: RemoteAuthorization): string[] {
    if (challenge.scope) return splitScopes(challenge.scope);
    return place.scopesSupported ?? [];
  }

  return {
    server,

    async currentToken() {
      if (!found) return undefined;
      const { connection } = await found;
      const { session } = await connection.open();
      try {
        return await session.getAccessToken();
      } catch (error) {
        if (isWhataloError(error, 'AUTH_REQUIRED')) return undefined; // the server's 401 leads to a sign-in
        throw error;
      }
    },

    async onUnauthorized(challenge, failed) {
      const { connection, place } = await connectTo(challenge);
      const { session } = await connection.open();
      try {
        // A stored grant (or another process's refresh) comes first; a token the server refused gets one refresh.
        const token = failed === undefined ? await session.getAccessToken() : await session.forceRefresh(failed);
        if (token !== failed) return token;
      } catch (error) {
        if (!isWhataloError(error, 'AUTH_REQUIRED')) throw error;
      }
      return signIn(connection, firstScopes(challenge, place), failed);
    },

    async onInsufficientScope(challenge, failed) {
      const { connection, place } = await connectTo(challenge);
      const granted = splitScopes((await connection.open()).session.peek()?.grant.tokens?.scope ?? '');
      const wanted = challenge.scope ? splitScopes(challenge.scope) : firstScopes(challenge, place);
      deps.onProgress?.(`The MCP server asks for more access (${wanted.join(' ') || 'no scope named'}); signing in again…`);
      return signIn(connection, splitScopes(joinScopes([...granted, ...wanted])), failed);
    },

    async connect() {
      return (await connectTo(found ? NO_CHALLENGE : await probeChallenge(server, http))).connection;
    },

    offline(why) {
      const target: AuthTarget = { issuer: new URL(server.origin), resource: server.href, key: remoteKey(server), introspect: false };
      return createConnection(config, deps, {
        target,
        discover: async () => {
          throw why;
        },
      });
    },

    async requestedScopes() {
      const challenge = await probeChallenge(server, http);
      return firstScopes(challenge, (await connectTo(challenge)).place);
    },
  };
}
