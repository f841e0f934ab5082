/**
 * The broker: what the tools and the CLI commands use. One per process; it signs in on first
 * use, keeps the access token fresh, checks it by introspection before every call, steps up
 * to more scopes when a tool needs one that was not granted, and signs out.
 *
 * @see ../../docs/design.md "The broker, as the tools use it"
 */
import type * as oauth from 'oauth4webapi';
import type { Config } from '../config.js';
import { SIGN_IN_HINT, WhataloError, isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { API_MAX_BYTES, fetchBounded } from '../net/bounded.js';
import { escapeControls } from '../safe-text.js';
import { type Scope, joinScopes, splitScopes } from '../scopes.js';
import { type CredentialStore, openCredentialStore } from './credentials/index.js';
import { discoverAuthorizationServer } from './discovery.js';
import { grantsAll } from './grant.js';
import { type IntrospectionCache, type TokenInfo, createIntrospectionCache, introspectToken } from './introspection.js';
import { type HttpDeps, isInvalidClient } from './oauth.js';
import { readRegisteredClient } from './registration.js';
import { revokeTokens } from './revocation.js';
import { type Session, type SessionState, createSession } from './session.js';
import { type PasteIO, type SignInDeps, type SignInResult, signIn } from './signin.js';

export interface AccessContext {
  signal?: AbortSignal;
  /** Called with short human text while a sign-in is under way (progress notifications). */
  onProgress?: (message: string) => void;
  /** Shows the authorization URL to the person (URL-mode elicitation); resolves once shown.
   *  Rejects or is absent → the broker opens the browser itself (BROWSER honoured). */
  presentUrl?: (url: string) => Promise<void>;
}

export interface Access {
  /** Never logged, never put in output. */
  accessToken: string;
  /** whatalo_store_id from introspection. */
  storeId: string;
  scopes: string[];
  /** sub */
  merchant: string;
}

export interface StatusReport {
  signed_in: boolean;
  issuer: string;
  store_id: string | null;
  store_name: string | null;
  merchant: string | null;
  scopes: string[];
  /** When the current access token expires (ISO 8601, the AS's clock); it is renewed silently. */
  expires_at: string | null;
  /** Where the credentials are kept (the credential store's description). */
  credential_store: string;
  /** Why not signed in, with the next step. */
  reason?: string;
}

export interface LoginOptions {
  /** Scopes to ask for; default: config.scopes, else the broker's requestedScopes. */
  scopes?: readonly string[];
  timeoutSeconds?: number;
  paste?: PasteIO;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface LoginReport {
  store_id: string;
  merchant: string;
  scopes: string[];
  credential_store: string;
  /** True when another process's sign-in, completed while this one waited, was used. */
  reused: boolean;
}

export interface LogoutReport {
  /** False when nothing was stored. */
  had_grant: boolean;
  /** True when the AS confirmed the revocation of every stored token. */
  revoked: boolean;
  /** Why revocation did not happen, when it did not. */
  problem?: string;
  credential_store: string;
}

export interface Broker {
  /** Valid access carrying `scope`: signs in on first use, refreshes silently, steps up to the
   *  union of scopes when `scope` was not granted; throws WhataloError AUTH_REQUIRED |
   *  INSUFFICIENT_SCOPE | SIGN_IN_TIMEOUT | AS_UNREACHABLE | … */
  ensureAccess(scope: Scope, ctx?: AccessContext): Promise<Access>;
  /** After the API answered 401 to this access: drop its token from the introspection cache. */
  invalidate(access: Pick<Access, 'accessToken'>): void;
  status(): Promise<StatusReport>;
  login(options?: LoginOptions): Promise<LoginReport>;
  logout(): Promise<LogoutReport>;
  close(): Promise<void>;
}

export interface BrokerDeps {
  logger: Logger;
  /** What a first sign-in asks for when config.scopes is not set (the enabled tools' read scopes). */
  requestedScopes: readonly Scope[];
  fetch?: typeof fetch;
  /** Local clock in ms; tests pass their own to age tokens. */
  now?: () => number;
  /** Stands in for the system browser; the embedded sandbox passes one that approves itself. */
  openBrowser?: (url: string) => Promise<void>;
}

/** The store name is a nicety for `status`; it must never hold the command up for long. */
const STORE_NAME_TIMEOUT_MS = 5_000;

export function createBroker(config: Config, deps: BrokerDeps): Broker {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const http: HttpDeps = deps.fetch ? { fetch: deps.fetch } : {};
  const pending: SignInDeps['pending'] = { registration: null };

  let discovered: Promise<oauth.AuthorizationServer> | null = null;
  function server(): Promise<oauth.AuthorizationServer> {
    discovered ??= discoverAuthorizationServer(config.issuer, http).catch((error: unknown) => {
      discovered = null; // a failed discovery is retried by the next call
      throw error;
    });
    return discovered;
  }

  let opened: Promise<{ store: CredentialStore; session: Session }> | null = null;
  function open(): Promise<{ store: CredentialStore; session: Session }> {
    opened ??= openCredentialStore(config, { logger }).then((store) => ({
      store,
      session: createSession({ config, logger, store, http, now, server }),
    }));
    opened.catch(() => (opened = null));
    return opened;
  }

  async function introspectCurrent(token: string): Promise<TokenInfo> {
    const { session } = await open();
    const state = session.peek();
    if (!state) throw new WhataloError('AUTH_REQUIRED', 'Not signed in to Whatalo.', { hint: SIGN_IN_HINT, details: { reason: 'not_signed_in' } });
    try {
      return await introspectToken(await server(), config.issuer, { client_id: state.client.client_id, client_secret: state.grant.client_secret }, token, http);
    } catch (error) {
      if (isInvalidClient(error)) await session.forgetClient(state.client.client_id);
      throw error;
    }
  }
  const introspection: IntrospectionCache = createIntrospectionCache({ ttlSeconds: config.introspectionTtlSeconds, now, introspect: introspectCurrent });

  /** Introspects `token`; an inactive one gets one refresh and one more look (CONTRACT B6). */
  async function activeInfo(token: string): Promise<{ token: string; info: Extract<TokenInfo, { active: true }> }> {
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

  let interactive: Promise<SignInResult> | null = null;
  /** One interactive sign-in at a time in this process: concurrent callers share its outcome. */
  async function interactiveSignIn(scopes: readonly string[], ctx: AccessContext, timeoutMs: number): Promise<void> {
    if (interactive) {
      await interactive;
      return;
    }
    const { session } = await open();
    interactive = signIn(
      { config, logger, session, http, now, server, pending, ...(deps.openBrowser ? { openBrowser: deps.openBrowser } : {}) },
      {
        scopes,
        reuse: (tokens) => grantsAll(tokens, scopes),
        timeoutMs,
        signal: ctx.signal,
        presentUrl: ctx.presentUrl,
        onProgress: ctx.onProgress,
      },
    ).finally(() => (interactive = null));
    const result = await interactive;
    // The sign-in just introspected its new token: the first call need not ask again.
    const fresh = result.state.grant.tokens?.access_token;
    if (result.introspected && fresh) introspection.prime(fresh, result.introspected.info, result.introspected.at);
    await revokePrevious(result);
  }

  /** Once a new grant is stored, the one it replaced is revoked: no stale grant lingers at the AS. */
  async function revokePrevious(result: SignInResult): Promise<void> {
    const old = result.previous;
    const fresh = result.state.grant.tokens;
    if (!old?.grant.tokens || old.grant.tokens.signed_in_at === fresh?.signed_in_at) return;
    introspection.invalidate(old.grant.tokens.access_token);
    const outcome = await revokeTokens(await server(), config.issuer, old, http);
    if (!outcome.revoked) logger.warn(`the previous grant could not be revoked (${outcome.problem}); it expires on its own`);
  }

  function signInTimeout(error: WhataloError, what: string): WhataloError {
    const url = error.details?.authorization_url;
    return new WhataloError(
      'SIGN_IN_TIMEOUT',
      `${what} was not completed within ${config.loginTimeoutSeconds} seconds${typeof url === 'string' ? ` (the sign-in link was ${url})` : ''}.`,
      { hint: 'Call the tool again for a new sign-in link, or run `whatalo-mcp login` in a terminal.', cause: error, details: error.details },
    );
  }

  /** First use: no grant, so sign in from here (at most one flow, bounded by WHATALO_LOGIN_TIMEOUT). */
  async function tokenOrFirstUse(scope: Scope, ctx: AccessContext): Promise<string> {
    const { session } = await open();
    try {
      return await session.getAccessToken();
    } catch (error) {
      const reason = isWhataloError(error, 'AUTH_REQUIRED') ? error.details?.reason : undefined;
      if (reason !== 'not_signed_in' && reason !== 'client_invalid') throw error;
    }
    const scopes = splitScopes(joinScopes([...(config.scopes ?? deps.requestedScopes), scope]));
    try {
      await interactiveSignIn(scopes, ctx, config.loginTimeoutSeconds * 1000);
    } catch (error) {
      if (isWhataloError(error, 'SIGN_IN_TIMEOUT')) throw signInTimeout(error, 'Sign-in to Whatalo');
      throw error;
    }
    return session.getAccessToken();
  }

  /** Step-up: a sign-in for the granted scopes plus `scope` (same path as first use). */
  async function stepUp(scope: Scope, granted: readonly string[], ctx: AccessContext): Promise<void> {
    const union = splitScopes(joinScopes([...granted, scope]));
    const command = `whatalo-mcp login --scopes "${union.join(' ')}"`;
    ctx.onProgress?.(`This needs the "${scope}" permission; asking Whatalo for it…`);
    try {
      await interactiveSignIn(union, ctx, config.loginTimeoutSeconds * 1000);
    } catch (error) {
      if (!isWhataloError(error, 'SIGN_IN_TIMEOUT')) throw error;
      const url = error.details?.authorization_url;
      throw new WhataloError(
        'INSUFFICIENT_SCOPE',
        `Whatalo access does not include the "${scope}" permission, and the sign-in that asks for it was not completed within ${config.loginTimeoutSeconds} seconds${typeof url === 'string' ? ` (the sign-in link was ${url})` : ''}.`,
        { hint: `Call the tool again for a new link, or run \`${command}\`.`, cause: error, details: { scope, command } },
      );
    }
  }

  async function storeName(token: string, storeId: string): Promise<string | null> {
    const base = config.apiBase.href.endsWith('/') ? config.apiBase.href : `${config.apiBase.href}/`;
    try {
      const response = await fetchBounded(
        new URL('store', base),
        { headers: { authorization: `Bearer ${token}`, 'x-whatalo-store-id': storeId, accept: 'application/json' } },
        { what: "Whatalo's API (GET /store)", maxBytes: API_MAX_BYTES, timeoutMs: STORE_NAME_TIMEOUT_MS, fetch: deps.fetch },
      );
      if (!response.ok) return null;
      const body = (await response.json()) as { data?: { name?: unknown } };
      // Shown on a line of its own by login and status: a newline in it must not forge another.
      return typeof body.data?.name === 'string' ? escapeControls(body.data.name) : null;
    } catch (error) {
      logger.debug('could not read the store name', { error });
      return null;
    }
  }

  return {
    async ensureAccess(scope, ctx = {}) {
      const { session } = await open();
      let active: Awaited<ReturnType<typeof activeInfo>>;
      try {
        active = await activeInfo(await tokenOrFirstUse(scope, ctx));
      } catch (error) {
        // The AS forgot this app (registration expired): the grant died with it, so this is first use again.
        if (!isWhataloError(error, 'AUTH_REQUIRED') || error.details?.reason !== 'client_invalid') throw error;
        active = await activeInfo(await tokenOrFirstUse(scope, ctx));
      }
      let { token, info } = active;
      if (!info.scopes.includes(scope)) {
        await stepUp(scope, info.scopes, ctx);
        ({ token, info } = await activeInfo(await session.getAccessToken()));
        if (!info.scopes.includes(scope)) {
          const command = `whatalo-mcp login --scopes "${joinScopes([...info.scopes, scope])}"`;
          throw new WhataloError('INSUFFICIENT_SCOPE', `Whatalo access does not include the "${scope}" permission; it was not granted at sign-in.`, {
            hint: `Run \`${command}\` and approve it.`,
            details: { scope, command },
          });
        }
      }
      return { accessToken: token, storeId: info.storeId, scopes: info.scopes, merchant: info.merchant };
    },

    invalidate(access) {
      introspection.invalidate(access.accessToken);
    },

    async status() {
      const { store, session } = await open();
      const base: StatusReport = {
        signed_in: false,
        issuer: config.issuer.href,
        store_id: null,
        store_name: null,
        merchant: null,
        scopes: [],
        expires_at: null,
        credential_store: store.description,
      };
      let active: Awaited<ReturnType<typeof activeInfo>>;
      try {
        active = await activeInfo(await session.getAccessToken());
      } catch (error) {
        if (!isWhataloError(error, 'AUTH_REQUIRED')) throw error;
        return { ...base, reason: error.toUserText() };
      }
      const { token, info } = active;
      return {
        ...base,
        signed_in: true,
        store_id: info.storeId,
        store_name: await storeName(token, info.storeId),
        merchant: info.merchant,
        scopes: info.scopes,
        expires_at: info.exp === null ? null : new Date(info.exp * 1000).toISOString(),
      };
    },

    async login(options = {}) {
      const { store, session } = await open();
      const scopes = splitScopes(joinScopes(options.scopes ?? config.scopes ?? deps.requestedScopes));
      if (scopes.length === 0) throw new WhataloError('CONFIG_INVALID', 'No scopes to ask for; pass --scopes.');
      let before: number | undefined;
      try {
        before = (await session.load())?.grant.tokens?.signed_in_at;
      } catch {
        before = undefined; // an unreadable record: this sign-in replaces it
      }
      const result = await signIn(
        { config, logger, session, http, now, server, pending, ...(deps.openBrowser ? { openBrowser: deps.openBrowser } : {}) },
        {
          scopes,
          // Only a sign-in completed while we waited for the lock counts; `login` otherwise means "sign in again".
          reuse: (tokens) => tokens.signed_in_at !== before && grantsAll(tokens, scopes),
          timeoutMs: (options.timeoutSeconds ?? config.loginTimeoutSeconds) * 1000,
          signal: options.signal,
          onProgress: options.onProgress,
          paste: options.paste,
        },
      );
      await revokePrevious(result);
      const { info } = await activeInfo(await session.getAccessToken());
      return { store_id: info.storeId, merchant: info.merchant, scopes: info.scopes, credential_store: store.description, reused: result.reused };
    },

    async logout() {
      const { store, session } = await open();
      introspection.clear();
      return session.exclusive(async () => {
        let state: SessionState | null;
        try {
          state = await session.load();
        } catch (error) {
          if (!isWhataloError(error, 'CREDENTIAL_STORE')) throw error;
          // Unreadable: nothing to revoke with; remove it so the next sign-in starts clean.
          const client = await readRegisteredClient(config.configDir, session.issuer).catch(() => null);
          if (client) await session.remove(client);
          return { had_grant: true, revoked: false, problem: 'the stored credentials were unreadable', credential_store: store.description };
        }
        if (!state) return { had_grant: false, revoked: false, credential_store: store.description };
        let outcome: { revoked: boolean; problem?: string } = { revoked: false, problem: 'no tokens were stored' };
        if (state.grant.tokens) {
          try {
            outcome = await revokeTokens(await server(), config.issuer, state, http);
          } catch (error) {
            // Discovery failed: the AS is out of reach; the local copy goes anyway.
            outcome = { revoked: false, problem: isWhataloError(error) ? error.message : 'the authorization server could not be reached' };
          }
        }
        await session.remove(state.client);
        return { had_grant: state.grant.tokens !== null, revoked: outcome.revoked, ...(outcome.problem ? { problem: outcome.problem } : {}), credential_store: store.description };
      });
    },

    async close() {
      introspection.clear();
    },
  };
}
