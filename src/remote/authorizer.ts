/**
 * Remote mode's authorization as an MCP client (MCP 2025-11-25 "Authorization"): what to
 * do when the remote server answers 401 or 403 `insufficient_scope`. It finds the server's
 * authorization server once (RFC 9728, then RFC 8414 / OpenID discovery), and from then on
 * uses the broker's own connection for it: the same credential stores and cross-process
 * locks, single-flight refresh, one sign-in flow across processes, and `resource` on every
 * authorization, token and refresh request.
 *
 * The grant is kept under (resource, issuer): a server whose metadata names another AS than
 * the one a stored grant came from gets a new registration and sign-in there, and the old
 * AS's client secret and refresh token are never shown to the new one (RFC 9700 §4.4, mix-up).
 *
 * A server that refuses the token of a sign-in that just succeeded will refuse the next one
 * too: sign-ins to it then pause for SIGN_IN_PAUSE_MS, and every request meanwhile fails at
 * once with one message, instead of opening browser tab after browser tab.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
 */
import type * as oauth from 'oauth4webapi';
import type { Config } from '../config.js';
import { WhataloError, isWhataloError } from '../errors.js';
import { joinScopes, splitScopes } from '../scopes.js';
import { type Connection, type ConnectionDeps, createConnection } from '../auth/connection.js';
import { discoverAuthorizationServer } from '../auth/discovery.js';
import { registeredKeys } from '../auth/registration.js';
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
  /** The server served, with `token`, a request it had refused before (a sign-in's token that works ends its probation). */
  accepted(token: string | undefined): void;
  /** The connection to the server's AS, asking the server for its challenge first (login, status, logout have no 401 of their own). */
  connect(): Promise<Connection>;
  /** What a sign-in from `login` asks for: the challenge's scope, else the metadata's scopes_supported, else none. */
  requestedScopes(): Promise<string[]>;
  /**
   * The stored grant of a server that cannot be reached, found by its URL (what the resource
   * is when the metadata agrees) and the issuer it was stored with: for `logout`, which must be
   * able to remove a grant for a server that is gone. Every request to the AS fails with `why`.
   */
  offline(why: WhataloError): Promise<Connection>;
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

/** After a fresh sign-in's token is refused, no sign-in to that server for this long. */
export const SIGN_IN_PAUSE_MS = 5 * 60_000;

/**
 * The key of a remote grant in clients.json, the credential store and the lock files: the
 * resource and the issuer, so a grant is only ever used with the AS that issued it. Neither
 * URL holds a space (URL serialization escapes it): the first space ends the resource.
 */
export function remoteKey(resource: URL, issuer: URL): string {
  return `${resource.href} ${issuer.href}`;
}

/** The issuers grants for `resource` are stored under, from the session keys clients.json names. */
export function storedIssuers(resource: URL, keys: readonly string[]): URL[] {
  const prefix = `${resource.href} `;
  return keys.filter((key) => key.startsWith(prefix) && URL.canParse(key.slice(prefix.length))).map((key) => new URL(key.slice(prefix.length)));
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
      const issuer = new URL(as.issuer);
      const target: AuthTarget = { issuer, resource: place.resource.href, key: remoteKey(place.resource, issuer), introspect: false };
      deps.logger.debug('remote server authorization found', { resource: place.resource.href, issuer: as.issuer });
      const connection = createConnection(config, deps, { target, discover: async () => as });
      return { connection, place };
    })();
    found.catch(() => (found = null)); // a failed discovery is tried again by the next request
    return found;
  }

  const now = deps.now ?? Date.now;
  /** The token of the last sign-in, until the server accepts it once. */
  let fresh: string | undefined;
  let pausedUntil = 0;

  function pausedError(): WhataloError {
    const minutes = Math.max(1, Math.ceil((pausedUntil - now()) / 60_000));
    return new WhataloError(
      'AUTH_REQUIRED',
      `The MCP server at ${server.href} refused the access token of a sign-in that had just succeeded, so no new sign-in is started for it ` +
        `for ${minutes} more minute${minutes === 1 ? '' : 's'}.`,
      {
        hint:
          'The server or its authorization server may be misconfigured; ask its operator. A grant stored meanwhile (`whatalo-mcp login --remote ' +
          `${server.href}\`) is used at the next request.`,
      },
    );
  }

  /** A sign-in's token refused before the server ever accepted it: pause sign-ins, and find the server's AS anew afterwards. */
  function refuseFresh(): WhataloError {
    fresh = undefined;
    pausedUntil = now() + SIGN_IN_PAUSE_MS;
    found = null; // the server may have moved to another authorization server
    const error = pausedError();
    deps.logger.warn(error.message);
    return error;
  }

  /** While paused, only a grant stored meanwhile (another process's sign-in) is tried: no refresh, no browser. */
  async function whilePaused(connection: Connection, failed: string | undefined): Promise<string> {
    const { session } = await connection.open();
    const stored = (await session.load())?.grant.tokens?.access_token;
    if (stored !== undefined && stored !== failed) return stored;
    throw pausedError();
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
    fresh = await session.getAccessToken();
    return fresh;
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
      if (failed !== undefined && failed === fresh) refuseFresh();
      const { connection, place } = await connectTo(challenge);
      if (now() < pausedUntil) return whilePaused(connection, failed);
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
      // A step-up for scopes the fresh grant lacks is the protocol; for scopes it already has, a refusal.
      if (failed !== undefined && failed === fresh && wanted.every((scope) => granted.includes(scope))) throw refuseFresh();
      if (now() < pausedUntil) return whilePaused(connection, failed);
      deps.onProgress?.(`The MCP server asks for more access (${wanted.join(' ') || 'no scope named'}); signing in again…`);
      return signIn(connection, splitScopes(joinScopes([...granted, ...wanted])), failed);
    },

    accepted(token) {
      if (token !== undefined && token === fresh) fresh = undefined;
    },

    async connect() {
      return (await connectTo(found ? NO_CHALLENGE : await probeChallenge(server, http))).connection;
    },

    async offline(why) {
      // The issuer the grant was stored with (the last one clients.json names, when there are several).
      const issuer = storedIssuers(server, await registeredKeys(config.configDir)).at(-1) ?? new URL(server.origin);
      const target: AuthTarget = { issuer, resource: server.href, key: remoteKey(server, issuer), introspect: false };
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
