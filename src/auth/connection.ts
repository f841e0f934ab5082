/**
 * This install's connection to one Whatalo issuer, as the broker (tool calls) and the account
 * commands (login, status, logout) share it: the AS metadata (discovered once), the credential
 * store and session (opened once), the introspection cache, and the sign-in flow with the
 * revocation of the grant it replaces. Each piece is made on first use and retried after a
 * failure, so creating a connection costs nothing.
 */
import type * as oauth from 'oauth4webapi';
import type { Config } from '../config.js';
import { SIGN_IN_HINT, WhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { type CredentialStore, openCredentialStore } from './credentials/index.js';
import { discoverAuthorizationServer, requireEndpoint } from './discovery.js';
import { type IntrospectionCache, type TokenInfo, createIntrospectionCache, introspectToken } from './introspection.js';
import { type HttpDeps, isInvalidClient } from './oauth.js';
import { revokeTokens } from './revocation.js';
import { type AuthTarget, type Session, createSession, credentialsOf, directTarget } from './session.js';
import { type SignInRequest, type SignInResult, signIn } from './signin.js';

export interface ConnectionDeps {
  logger: Logger;
  fetch?: typeof fetch;
  /** Local clock in ms; tests pass their own to age tokens. */
  now?: () => number;
  /** Stands in for the system browser; the embedded sandbox passes one that approves itself. */
  openBrowser?: (url: string) => Promise<void>;
  /**
   * The scope a registration names: every enabled tool's (CONTRACT AC4), since the registered
   * scope is the ceiling of every later request at Whatalo. Absent: what the sign-in asks for.
   */
  registeredScopes?: readonly string[];
}

export type ActiveToken = { token: string; info: Extract<TokenInfo, { active: true }> };

export interface Connection {
  readonly config: Config;
  readonly target: AuthTarget;
  readonly logger: Logger;
  readonly http: HttpDeps;
  readonly now: () => number;
  /** The authorization server's metadata. */
  server(): Promise<oauth.AuthorizationServer>;
  open(): Promise<{ store: CredentialStore; session: Session }>;
  /** The session once open() has resolved; undefined before. */
  openedSession(): Session | undefined;
  readonly introspection: IntrospectionCache;
  /** Introspects `token`; an inactive one gets one refresh and one more look (CONTRACT B6). */
  activeInfo(token: string): Promise<ActiveToken>;
  /** One sign-in flow (or the reuse of another process's), then the revocation of the grant it replaced. */
  signIn(request: SignInRequest): Promise<SignInResult>;
}

/** Where a connection signs in: the direct mode's Whatalo by default, or a remote MCP server's AS. */
export interface ConnectionTarget {
  target: AuthTarget;
  /** The AS metadata, found and checked by the caller. */
  discover(http: HttpDeps): Promise<oauth.AuthorizationServer>;
}

/** Direct mode: Whatalo's AS from config.issuer, which must offer introspection. */
function directConnectionTarget(config: Config): ConnectionTarget {
  return {
    target: directTarget(config),
    async discover(http) {
      const as = await discoverAuthorizationServer(config.issuer, http);
      // The store a call addresses comes from introspection (CONTRACT A11): without it nothing is safe to call.
      requireEndpoint(as, 'introspection_endpoint', 'tells this app which store a token is for');
      return as;
    },
  };
}

export function createConnection(config: Config, deps: ConnectionDeps, place: ConnectionTarget = directConnectionTarget(config)): Connection {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const http: HttpDeps = deps.fetch ? { fetch: deps.fetch } : {};
  const { target } = place;

  let discovered: Promise<oauth.AuthorizationServer> | null = null;
  function server(): Promise<oauth.AuthorizationServer> {
    discovered ??= place.discover(http).catch((error: unknown) => {
      discovered = null; // a failed discovery is retried by the next call
      throw error;
    });
    return discovered;
  }

  let opened: Promise<{ store: CredentialStore; session: Session }> | null = null;
  let openSession: Session | undefined;
  function open(): Promise<{ store: CredentialStore; session: Session }> {
    opened ??= openCredentialStore(config, { logger }).then((store) => {
      const session = createSession({ config, target, logger, store, http, now, server });
      openSession = session;
      return { store, session };
    });
    opened.catch(() => (opened = null));
    return opened;
  }

  async function introspectCurrent(token: string): Promise<TokenInfo> {
    const { session } = await open();
    const state = session.peek();
    if (!state) throw new WhataloError('AUTH_REQUIRED', translator().t('error.notSignedIn'), { hint: SIGN_IN_HINT, details: { reason: 'not_signed_in' } });
    try {
      return await introspectToken(await server(), target.issuer, credentialsOf(state), token, http, target.resource);
    } catch (error) {
      if (isInvalidClient(error)) await session.forgetClient(state.client.client_id);
      throw error;
    }
  }
  const introspection = createIntrospectionCache({ ttlSeconds: config.introspectionTtlSeconds, now, introspect: introspectCurrent });

  async function activeInfo(token: string): Promise<ActiveToken> {
    const { session } = await open();
    const first = await introspection.check(token);
    if (first.active) return { token, info: first };
    introspection.invalidate(token);
    const renewed = await session.forceRefresh(token);
    const second = await introspection.check(renewed);
    if (second.active) return { token: renewed, info: second };
    introspection.invalidate(renewed);
    await session.dropTokens(renewed);
    throw new WhataloError('AUTH_REQUIRED', 'Whatalo access was revoked or has expired.', {
      hint: 'Run `whatalo-mcp login` to sign in again (or call the tool again to sign in from here).',
      details: { reason: 'revoked' },
    });
  }

  /** Once a new grant is stored, the one it replaced is revoked: no stale grant lingers at the AS. */
  async function revokePrevious(result: SignInResult): Promise<void> {
    const old = result.previous;
    const fresh = result.state.grant.tokens;
    if (!old?.grant.tokens || old.grant.tokens.signed_in_at === fresh?.signed_in_at) return;
    introspection.invalidate(old.grant.tokens.access_token);
    const outcome = await revokeTokens(await server(), target.issuer, old, http);
    if (!outcome.revoked) logger.warn(`the previous grant could not be revoked (${outcome.problem}); it expires on its own`);
  }

  return {
    config,
    target,
    logger,
    http,
    now,
    server,
    open,
    openedSession: () => openSession,
    introspection,
    activeInfo,
    async signIn(request) {
      const { session } = await open();
      const result = await signIn(
        {
          config,
          target,
          logger,
          session,
          http,
          now,
          server,
          ...(deps.registeredScopes ? { registeredScopes: deps.registeredScopes } : {}),
          ...(deps.openBrowser ? { openBrowser: deps.openBrowser } : {}),
        },
        request,
      );
      await revokePrevious(result);
      return result;
    },
  };
}
