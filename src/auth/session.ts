/**
 * The session: this install's client and grant for one issuer, as stored, and a valid access
 * token on demand.
 *
 * `clients.json` names the client; the credential store keeps its secret and tokens under
 * `${issuer} ${client_id}`. Every write happens under one cross-process lock per issuer (the
 * refresh lock), and every refresh re-reads the store after taking it: several host-spawned
 * processes share one grant, and a refresh token rotates (CONTRACT A10), so a process that
 * refreshed with a stale one would revoke the grant for all of them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as oauth from 'oauth4webapi';
import type { Config } from '../config.js';
import { SIGN_IN_HINT, type SignedOutReason, WhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { CredentialStore } from './credentials/index.js';
import { type StoredGrant, type StoredTokens, grantAccount, needsRefresh, readStoredGrant, tokensFromResponse, writeStoredGrant } from './grant.js';
import { withLock } from './lock.js';
import {
  type ClientCredentials,
  type HttpDeps,
  clientAuth,
  isInvalidClient,
  oauthErrorOf,
  oauthFailure,
  requestOptions,
  waitOnceIfRateLimited,
} from './oauth.js';
import {
  type RegisteredClient,
  type Registration,
  forgetRegisteredClient,
  readRegisteredClient,
  registrationExpired,
  saveRegisteredClient,
} from './registration.js';

/** A refresh is a few requests; waiting longer than this for another process means it is stuck. */
const REFRESH_LOCK_WAIT_MS = 30_000;

export interface SessionState {
  client: RegisteredClient;
  /** The credential-store account of this client. */
  account: string;
  grant: StoredGrant;
}

/** What a session's tokens are for, and under which name they are kept. */
export interface AuthTarget {
  /** The authorization server's issuer identifier. */
  issuer: URL;
  /** The RFC 8707 resource every authorization, code and refresh request names (one value, CONTRACT A15). */
  resource: string | undefined;
  /** Names the session in clients.json, the credential store and the lock files (the issuer, in direct mode). */
  key: string;
  /** Whether a sign-in asks introspection which store and merchant the new token is for: Whatalo's
   *  direct mode needs both; a remote MCP server checks its own tokens. */
  introspect: boolean;
}

/** The direct mode's target: Whatalo's AS, tokens for API v1 (its resource: CONTRACT AC1, config.apiResource). */
export function directTarget(config: Pick<Config, 'issuer' | 'apiResource'>): AuthTarget {
  return { issuer: config.issuer, resource: config.apiResource, key: config.issuer.href, introspect: true };
}

/** The credentials a stored state authenticates with. */
export function credentialsOf(state: SessionState): ClientCredentials {
  return { client_id: state.client.client_id, client_secret: state.grant.client_secret, token_endpoint_auth_method: state.client.token_endpoint_auth_method };
}

/** `resource` as oauth4webapi's additionalParameters, when there is one. */
export function resourceParameter(target: AuthTarget): Record<string, string> {
  return target.resource === undefined ? {} : { resource: target.resource };
}

export interface SessionDeps {
  config: Config;
  target: AuthTarget;
  logger: Logger;
  store: CredentialStore;
  http: HttpDeps;
  now: () => number;
  /** The authorization server's metadata (discovered once per broker). */
  server(): Promise<oauth.AuthorizationServer>;
}

export interface Session {
  /** The key of this session's records and locks (AuthTarget.key). */
  readonly key: string;
  /** What this process knows, without I/O. */
  peek(): SessionState | null;
  /** Re-reads clients.json and the credential store; throws CREDENTIAL_STORE for a corrupt record. */
  load(): Promise<SessionState | null>;
  /** A valid access token: from memory when it is not about to expire, else refreshed (single-flight, cross-process). */
  getAccessToken(): Promise<string>;
  /** A token other than `failedAccessToken` (which introspection called inactive): refreshes unless another process already did. */
  forceRefresh(failedAccessToken: string): Promise<string>;
  /** Stores a completed sign-in, replacing what was stored; resolves to what was there before. */
  storeSignIn(registration: Registration, tokens: StoredTokens): Promise<SessionState | null>;
  /**
   * Keeps a new registration, before any sign-in completed with it (its secret in the
   * credential store, its name in clients.json's `pending`), so a failed sign-in never costs a
   * second registration (CONTRACT A5, AC3). The stored grant, if any, is untouched.
   */
  storeRegistration(registration: Registration): Promise<void>;
  /** The kept registration no sign-in has completed with yet, with its secret; null when none. */
  loadPending(): Promise<Registration | null>;
  /** Removes the tokens, keeping the client, if they are still the ones that hold `accessToken`. */
  dropTokens(accessToken: string): Promise<void>;
  /** Forgets the client (stored or pending) and its record if it is still `clientId` (the AS no longer knows it). */
  forgetClient(clientId: string): Promise<void>;
  /** Runs `fn` holding the session's lock; `fn` may use `load` and `remove` but no other locked method. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Deletes the stored record and client entry, stored or pending (call inside `exclusive`). */
  remove(client: Pick<RegisteredClient, 'client_id'>): Promise<void>;
}

/** Lock files are named by a digest of the issuer: any issuer URL makes a safe file name. */
export function lockPath(configDir: string, kind: 'signin' | 'refresh', issuer: string): string {
  const digest = createHash('sha256').update(issuer).digest('hex').slice(0, 16);
  return path.join(configDir, 'locks', `${kind}-${digest}.lock`);
}

export function signedOut(reason: SignedOutReason, message: string, hint: string): WhataloError {
  return new WhataloError('AUTH_REQUIRED', message, { hint, details: { reason } });
}

export function notSignedIn(): WhataloError {
  return signedOut('not_signed_in', translator().t('error.notSignedIn'), translator().t('error.firstSignInHint'));
}

export function createSession(deps: SessionDeps): Session {
  const { config, logger, store, now, target } = deps;
  const key = target.key;
  const refreshLock = lockPath(config.configDir, 'refresh', key);
  let memory: SessionState | null = null;
  let inflight: Promise<string> | null = null;

  async function load(): Promise<SessionState | null> {
    const client = await readRegisteredClient(config.configDir, key);
    if (!client) return (memory = null);
    const account = grantAccount(key, client.client_id);
    const grant = await readStoredGrant(store, account);
    // A client whose secret is gone cannot authenticate: as good as none, the next sign-in registers anew.
    memory = grant ? { client, account, grant } : null;
    return memory;
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(refreshLock, fn, {
      waitMs: REFRESH_LOCK_WAIT_MS,
      onWait: () => logger.debug('waiting for another whatalo-mcp process to finish with the stored grant'),
    });
  }

  async function remove(client: Pick<RegisteredClient, 'client_id'>): Promise<void> {
    await store.delete(grantAccount(key, client.client_id));
    await forgetRegisteredClient(config.configDir, key, client.client_id);
    if (memory?.client.client_id === client.client_id) memory = null;
  }

  async function loadPending(): Promise<Registration | null> {
    const client = await readRegisteredClient(config.configDir, key, 'pending');
    if (!client) return null;
    const grant = await readStoredGrant(store, grantAccount(key, client.client_id));
    return grant ? { ...client, client_secret: grant.client_secret } : null;
  }

  async function writeTokens(state: SessionState, tokens: StoredTokens | null): Promise<SessionState> {
    const grant: StoredGrant = { ...state.grant, tokens };
    await writeStoredGrant(store, state.account, grant);
    return (memory = { ...state, grant });
  }

  /** One refresh under the lock; `failed` is a token that must not be returned again. */
  function refreshLocked(failed: string | undefined): Promise<string> {
    return exclusive(async () => {
      const state = await load();
      const tokens = state?.grant.tokens;
      if (!state || !tokens) throw notSignedIn();
      // Another process may have refreshed while we waited: then its tokens are ours too.
      if (!needsRefresh(tokens, now()) && tokens.access_token !== failed) return tokens.access_token;
      if (registrationExpired(state.client, now())) {
        await remove(state.client);
        throw signedOut('client_invalid', translator().t('error.clientExpired'), SIGN_IN_HINT);
      }
      if (!tokens.refresh_token) {
        await writeTokens(state, null);
        throw signedOut('revoked', translator().t('error.expired'), SIGN_IN_HINT);
      }
      let answer: oauth.TokenEndpointResponse;
      try {
        const as = await deps.server();
        const client: oauth.Client = { client_id: state.client.client_id };
        const refreshToken = tokens.refresh_token;
        // A 429 is waited for once, bounded (CONTRACT B6); the refresh token is unused until a 200.
        answer = await waitOnceIfRateLimited(async () => {
          const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth(credentialsOf(state)), refreshToken, {
            ...requestOptions(target.issuer, deps.http),
            additionalParameters: resourceParameter(target),
          });
          return oauth.processRefreshTokenResponse(as, client, response);
        });
      } catch (error) {
        const mapped = oauthFailure(error, 'refresh', target.issuer);
        if (oauthErrorOf(mapped) === 'invalid_grant') {
          // Under the lock the stored tokens are still the ones that failed: clear them, once; no retry loop.
          await writeTokens(state, null);
          logger.warn('the refresh token was refused; signed out');
        } else if (isInvalidClient(mapped)) {
          await remove(state.client);
          logger.warn('the client registration was refused; it will register again at the next sign-in');
        }
        throw mapped;
      }
      const next = tokensFromResponse(answer, now(), tokens);
      await writeTokens(state, next);
      logger.debug('access token refreshed');
      return next.access_token;
    });
  }

  /** In-process single flight: every caller that needs a refresh now shares one. */
  async function refresh(failed: string | undefined): Promise<string> {
    // Joining a flight started without `failed` may hand back that very token; then one more, of our own.
    for (let attempt = 0; attempt < 3; attempt++) {
      inflight ??= refreshLocked(failed).finally(() => (inflight = null));
      const token = await inflight;
      if (failed === undefined || token !== failed) return token;
    }
    throw signedOut('revoked', translator().t('error.revoked'), SIGN_IN_HINT);
  }

  return {
    key,
    peek: () => memory,
    load,
    async getAccessToken() {
      const known = memory?.grant.tokens;
      if (known && !needsRefresh(known, now())) return known.access_token;
      const stored = (await load())?.grant.tokens;
      if (!stored) throw notSignedIn();
      if (!needsRefresh(stored, now())) return stored.access_token;
      return refresh(undefined);
    },
    forceRefresh(failedAccessToken) {
      return refresh(failedAccessToken);
    },
    storeSignIn(registration, tokens) {
      return exclusive(async () => {
        let previous: SessionState | null = null;
        try {
          previous = await load();
        } catch (error) {
          // A corrupt record is replaced by this sign-in; its account is deleted below.
          logger.debug('replacing an unreadable stored grant', { error });
        }
        const previousClient = previous?.client ?? (await readRegisteredClient(config.configDir, key).catch(() => null));
        const { client_secret: _secret, ...client } = registration;
        const account = grantAccount(key, client.client_id);
        const grant: StoredGrant = { version: 1, client_secret: registration.client_secret, tokens };
        // Record first, then the name of the client: a reader never finds a client without its secret.
        await writeStoredGrant(store, account, grant);
        await saveRegisteredClient(config.configDir, key, client);
        if (previousClient && previousClient.client_id !== client.client_id) {
          await store.delete(grantAccount(key, previousClient.client_id));
        }
        memory = { client, account, grant };
        return previous;
      });
    },
    storeRegistration(registration) {
      return exclusive(async () => {
        const { client_secret, ...client } = registration;
        // The secret first, then the name: a reader never finds a client without its secret.
        await writeStoredGrant(store, grantAccount(key, client.client_id), { version: 1, client_secret, tokens: null });
        const replaced = await saveRegisteredClient(config.configDir, key, client, 'pending');
        const current = await readRegisteredClient(config.configDir, key).catch(() => null);
        if (replaced && replaced.client_id !== current?.client_id) await store.delete(grantAccount(key, replaced.client_id));
      });
    },
    loadPending,
    dropTokens(accessToken) {
      return exclusive(async () => {
        const state = await load();
        if (state?.grant.tokens?.access_token === accessToken) await writeTokens(state, null);
      });
    },
    forgetClient(clientId) {
      return exclusive(async () => {
        const named = [await readRegisteredClient(config.configDir, key), await readRegisteredClient(config.configDir, key, 'pending')];
        if (named.some((client) => client?.client_id === clientId)) await remove({ client_id: clientId });
      });
    },
    exclusive,
    remove,
  };
}
