/**
 * The account commands: `login` (sign in and store the grant), `status` (what the AS says of
 * the stored grant) and `logout` (revoke and remove it), over the same connection the broker
 * uses, so they read and write exactly what a tool call would.
 *
 * @see ../../docs/design.md "The broker, as the tools use it"
 */
import type { Config } from '../config.js';
import { WhataloError, isWhataloError, signedOutReason } from '../errors.js';
import { type Scope, joinScopes, splitScopes } from '../scopes.js';
import { type ActiveToken, type Connection, type ConnectionDeps, createConnection } from './connection.js';
import type { CredentialStore } from './credentials/index.js';
import { grantsAll, readStoredGrant } from './grant.js';
import { preferredAuthMethod } from './registration.js';
import { revokeTokens } from './revocation.js';
import type { SessionState } from './session.js';
import type { PasteIO } from './signin.js';
import { readStoreName } from './store-name.js';

export interface StatusReport {
  signed_in: boolean;
  /** The authorization server the grant is from. */
  issuer: string;
  /** Remote mode: the remote MCP server's resource identifier the grant is for; null in the direct mode. */
  resource: string | null;
  store_id: string | null;
  store_name: string | null;
  merchant: string | null;
  /** The merchant's name from introspection (`username`), when the AS gives one. */
  merchant_name: string | null;
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
  /** Signed in already: allow the new grant to be for another store (`--switch-store`); otherwise it must be the same. */
  switchStore?: boolean;
  paste?: PasteIO;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface LoginReport {
  /** Null in remote mode: the remote server, not this app, knows which store a token is for. */
  store_id: string | null;
  merchant: string | null;
  merchant_name: string | null;
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
  /** True when the local copy is gone from the credential store. */
  removed: boolean;
  /** What could not be done (revocation, removal), when something could not. */
  problem?: string;
  credential_store: string;
}

export interface Account {
  status(): Promise<StatusReport>;
  login(options?: LoginOptions): Promise<LoginReport>;
  logout(): Promise<LogoutReport>;
  close(): Promise<void>;
}

export interface AccountDeps extends ConnectionDeps {
  /** What `login` asks for when neither its options nor config.scopes name scopes (a remote server's own, in remote mode). */
  requestedScopes: readonly string[];
}

/** What the stored grant says of itself: its scope and when its access token expires (local clock). */
function grantedNow(state: SessionState | null): Pick<StatusReport, 'scopes' | 'expires_at'> {
  const tokens = state?.grant.tokens;
  return {
    scopes: splitScopes(tokens?.scope),
    expires_at: typeof tokens?.expires_at === 'number' ? new Date(tokens.expires_at).toISOString() : null,
  };
}

/** The store name is a nicety for `status`; it must never hold the command up for long. */
const STORE_NAME_TIMEOUT_MS = 5_000;

/**
 * The account commands over `connect`'s connection: by default the direct mode's, to Whatalo;
 * in remote mode the one to the remote server's AS, found once the server is asked.
 */
export function createAccount(config: Config, deps: AccountDeps, connect?: () => Promise<Connection>): Account {
  const { logger } = deps;
  let connected: Connection | undefined;
  async function connection(): Promise<Connection> {
    connected ??= connect ? await connect() : createConnection(config, deps);
    return connected;
  }
  function storeName({ token, info }: ActiveToken): Promise<string | null> {
    return readStoreName(config, logger, { token, storeId: info.storeId }, STORE_NAME_TIMEOUT_MS);
  }

  /**
   * Logout when clients.json or a grant record cannot be read: the credential store still
   * names each grant of this issuer by its client (`issuer client_id`), so every readable one
   * is revoked and each is removed; the report says exactly what could not be done.
   */
  async function logoutUnreadable(store: CredentialStore, unreadable: WhataloError, { target, server, http }: Connection): Promise<LogoutReport> {
    const base = { credential_store: store.description };
    let accounts: string[];
    try {
      accounts = (await store.accounts()).filter((account) => account.startsWith(`${target.key} `));
    } catch (error) {
      const why = isWhataloError(error) ? error.message : unreadable.message;
      return { ...base, had_grant: true, revoked: false, removed: false, problem: `nothing was removed or revoked: ${why}` };
    }
    if (accounts.length === 0) return { ...base, had_grant: false, revoked: false, removed: false, problem: unreadable.message };
    const problems: string[] = [];
    let revoked = true;
    for (const account of accounts) {
      const clientId = account.slice(target.key.length + 1);
      try {
        const grant = await readStoredGrant(store, account);
        if (grant?.tokens) {
          // clients.json is what recorded the method: without it, the one the AS would give a client like this.
          const method = grant.client_secret === null ? 'none' : preferredAuthMethod(await server(), target.issuer, false);
          const state: SessionState = {
            client: {
              client_id: clientId,
              token_endpoint_auth_method: method,
              client_id_issued_at: null,
              client_secret_expires_at: null,
              redirect_uris: null,
              scope: null,
            },
            account,
            grant,
          };
          const outcome = await revokeTokens(await server(), target.issuer, state, http);
          if (!outcome.revoked) {
            revoked = false;
            problems.push(outcome.problem ?? 'revocation failed');
          }
        }
      } catch (error) {
        revoked = false;
        problems.push(`the grant of ${clientId} could not be revoked (${isWhataloError(error) ? error.message : 'unreadable'})`);
      }
      await store.delete(account);
    }
    return { ...base, had_grant: true, revoked, removed: true, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
  }

  /** Remote mode: the sign-in command for this server, not the direct mode's `login`. */
  function signInHint(c: Connection): string | undefined {
    if (c.target.introspect || !config.remoteUrl) return undefined;
    return `Run \`whatalo-mcp login --remote ${config.remoteUrl.href}\` to sign in for this server.`;
  }

  return {
    async status() {
      const c = await connection();
      const { store, session } = await c.open();
      const base: StatusReport = {
        signed_in: false,
        issuer: c.target.issuer.href,
        resource: c.target.introspect ? null : (c.target.resource ?? null),
        store_id: null,
        store_name: null,
        merchant: null,
        merchant_name: null,
        scopes: [],
        expires_at: null,
        credential_store: store.description,
      };
      let active: ActiveToken;
      try {
        const token = await session.getAccessToken();
        // A remote server checks its own tokens; a live grant (refreshed when due) is what can be said here.
        if (!c.target.introspect) return { ...base, signed_in: true, ...grantedNow(session.peek()), store_id: session.peek()?.grant.tokens?.store_id ?? null };
        active = await c.activeInfo(token);
      } catch (error) {
        if (!isWhataloError(error, 'AUTH_REQUIRED')) throw error;
        // "Not signed in" is what the report already says; only the way out is worth adding.
        const reason = signedOutReason(error) === 'not_signed_in' ? (signInHint(c) ?? error.hint ?? '') : error.toUserText();
        return { ...base, reason };
      }
      const { info } = active;
      return {
        ...base,
        signed_in: true,
        store_id: info.storeId,
        store_name: await storeName(active),
        merchant: info.merchant,
        merchant_name: info.merchantName,
        scopes: info.scopes,
        expires_at: info.exp === null ? null : new Date(info.exp * 1000).toISOString(),
      };
    },

    async login(options = {}) {
      const c = await connection();
      const { store, session } = await c.open();
      const scopes = splitScopes(joinScopes(options.scopes ?? config.scopes ?? deps.requestedScopes));
      // A remote server may name no scope at all: the AS's default is then what it wants.
      if (scopes.length === 0 && c.target.introspect) throw new WhataloError('CONFIG_INVALID', 'No scopes to ask for; pass --scopes.');
      let before: number | undefined;
      let storeId: string | null | undefined;
      try {
        const tokens = (await session.load())?.grant.tokens;
        before = tokens?.signed_in_at;
        storeId = tokens?.store_id;
      } catch {
        before = undefined; // an unreadable record: this sign-in replaces it
      }
      const result = await c.signIn({
        scopes,
        // Signed in already: a new sign-in changes store only when asked to, never as a side effect.
        ...(storeId && !options.switchStore ? { storeId } : {}),
        // Only a sign-in completed while we waited for the lock counts; `login` otherwise means "sign in again".
        reuse: (tokens) => tokens.signed_in_at !== before && grantsAll(tokens, scopes),
        timeoutMs: (options.timeoutSeconds ?? config.loginTimeoutSeconds) * 1000,
        signal: options.signal,
        onProgress: options.onProgress,
        paste: options.paste,
      });
      const token = await session.getAccessToken();
      if (!c.target.introspect) {
        const { scopes: granted } = grantedNow(session.peek());
        return { store_id: null, merchant: null, merchant_name: null, scopes: granted, credential_store: store.description, reused: result.reused };
      }
      const { info } = await c.activeInfo(token);
      return {
        store_id: info.storeId,
        merchant: info.merchant,
        merchant_name: info.merchantName,
        scopes: info.scopes,
        credential_store: store.description,
        reused: result.reused,
      };
    },

    /** Revokes and removes the grant; with clients.json or the record unreadable, see logoutUnreadable. */
    async logout() {
      const c = await connection();
      const { store, session } = await c.open();
      c.introspection.clear();
      return session.exclusive(async () => {
        let state: SessionState | null;
        try {
          state = await session.load();
        } catch (error) {
          if (!isWhataloError(error, 'CREDENTIAL_STORE')) throw error;
          return logoutUnreadable(store, error, c);
        }
        // A registration no sign-in completed with holds no grant, only this app's secret: it goes too.
        const pending = await session.loadPending().catch(() => null);
        if (pending && pending.client_id !== state?.client.client_id) await session.remove(pending);
        if (!state) return { had_grant: false, revoked: false, removed: false, credential_store: store.description };
        let outcome: { revoked: boolean; problem?: string } = { revoked: false, problem: 'no tokens were stored' };
        if (state.grant.tokens) {
          try {
            outcome = await revokeTokens(await c.server(), c.target.issuer, state, c.http);
          } catch (error) {
            // Discovery failed: the AS is out of reach; the local copy goes anyway.
            outcome = { revoked: false, problem: isWhataloError(error) ? error.message : 'the authorization server could not be reached' };
          }
        }
        await session.remove(state.client);
        return {
          had_grant: state.grant.tokens !== null,
          revoked: outcome.revoked,
          removed: true,
          ...(outcome.problem ? { problem: outcome.problem } : {}),
          credential_store: store.description,
        };
      });
    },

    async close() {
      connected?.introspection.clear();
    },
  };
}
