/**
 * The broker: what the MCP server's tool calls use. One per process; it signs in on first
 * use, keeps the access token fresh, checks it by introspection before every call, and steps
 * up to more scopes when a tool needs one that was not granted. The commands that manage the
 * sign-in itself (login, status, logout) are in account.ts, over the same connection.
 *
 * @see ../../docs/design.md "The broker, as the tools use it"
 */
import type { Config } from '../config.js';
import { WhataloError, isWhataloError, signedOutReason } from '../errors.js';
import { type Scope, hasScope, joinScopes, splitScopes } from '../scopes.js';
import { type ActiveToken, type ConnectionDeps, createConnection } from './connection.js';
import { grantsAll, needsRefresh } from './grant.js';
import { requireScope } from '../server/access.js';
import { type SignInResult, storeMismatch } from './signin.js';

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

export interface Broker {
  /** Valid access carrying `scope`: signs in on first use, refreshes silently, steps up to the
   *  union of scopes when `scope` was not granted; throws WhataloError AUTH_REQUIRED |
   *  INSUFFICIENT_SCOPE | SIGN_IN_TIMEOUT | AS_UNREACHABLE | … */
  ensureAccess(scope: Scope, ctx?: AccessContext): Promise<Access>;
  /** After the API answered 401 to this access: drop its token from the introspection cache. */
  invalidate(access: Pick<Access, 'accessToken'>): void;
  close(): Promise<void>;
}

export interface BrokerDeps extends ConnectionDeps {
  /** What a first sign-in asks for when config.scopes is not set (the enabled tools' read scopes). */
  requestedScopes: readonly Scope[];
}

export function createBroker(config: Config, deps: BrokerDeps): Broker {
  const connection = createConnection(config, deps);
  const { open, introspection, activeInfo } = connection;

  let interactive: Promise<SignInResult> | null = null;
  /** One interactive sign-in at a time in this process: concurrent callers share its outcome. */
  async function interactiveSignIn(scopes: readonly string[], ctx: AccessContext, timeoutMs: number, storeId?: string): Promise<void> {
    if (interactive) {
      await interactive;
      return;
    }
    interactive = connection
      .signIn({
        scopes,
        ...(storeId ? { storeId } : {}),
        reuse: (tokens) => grantsAll(tokens, scopes),
        timeoutMs,
        signal: ctx.signal,
        presentUrl: ctx.presentUrl,
        onProgress: ctx.onProgress,
      })
      .finally(() => (interactive = null));
    const result = await interactive;
    // The sign-in just introspected its new token: the first call need not ask again.
    const fresh = result.state.grant.tokens?.access_token;
    if (result.introspected && fresh) introspection.prime(fresh, result.introspected.info, result.introspected.at);
  }

  function signInTimeout(error: WhataloError<'SIGN_IN_TIMEOUT'>, what: string): WhataloError {
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
      const reason = signedOutReason(error);
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

  /** Step-up: a sign-in for the granted scopes plus `scope`, for the same store (same path as first use). */
  async function stepUp(scope: Scope, granted: readonly string[], storeId: string, ctx: AccessContext): Promise<void> {
    const union = splitScopes(joinScopes([...granted, scope]));
    const command = `whatalo-mcp login --scopes "${union.join(' ')}"`;
    ctx.onProgress?.(`This needs the "${scope}" permission; asking Whatalo for it…`);
    try {
      await interactiveSignIn(union, ctx, config.loginTimeoutSeconds * 1000, storeId);
    } catch (error) {
      if (!isWhataloError(error, 'SIGN_IN_TIMEOUT')) throw error;
      const url = error.details?.authorization_url;
      throw new WhataloError(
        'INSUFFICIENT_SCOPE',
        `Whatalo access does not include the "${scope}" permission, and the sign-in that asks for it was not completed within ` +
          `${config.loginTimeoutSeconds} seconds${typeof url === 'string' ? ` (the sign-in link was ${url})` : ''}.`,
        { hint: `Call the tool again for a new link, or run \`${command}\`.`, cause: error, details: { scope, command } },
      );
    }
  }

  /**
   * The common case without an await: the token this process holds is not about to expire,
   * introspection called it active within the TTL, and it carries `scope`. The same three
   * checks the whole path makes from the same memory; anything else takes the whole path.
   */
  function held(scope: Scope): Access | undefined {
    const tokens = connection.openedSession()?.peek()?.grant.tokens;
    if (!tokens || needsRefresh(tokens, connection.now())) return undefined;
    const info = introspection.peek(tokens.access_token);
    if (!info || !hasScope(info.scopes, scope)) return undefined;
    return { accessToken: tokens.access_token, storeId: info.storeId, scopes: info.scopes, merchant: info.merchant };
  }

  return {
    ensureAccess(scope, ctx = {}) {
      const access = held(scope);
      return access ? Promise.resolve(access) : ensureAccessFully(scope, ctx);
    },
    invalidate(access) {
      introspection.invalidate(access.accessToken);
    },
    async close() {
      introspection.clear();
    },
  };
  /** Signs in, refreshes, introspects or steps up, as needed. */
  async function ensureAccessFully(scope: Scope, ctx: AccessContext): Promise<Access> {
    const { session } = await open();
    let active: ActiveToken;
    try {
      active = await activeInfo(await tokenOrFirstUse(scope, ctx));
    } catch (error) {
      // The AS forgot this app (registration expired): the grant died with it, so this is first use again.
      if (signedOutReason(error) !== 'client_invalid') throw error;
      active = await activeInfo(await tokenOrFirstUse(scope, ctx));
    }
    let { token, info } = active;
    if (!hasScope(info.scopes, scope)) {
      const storeId = info.storeId;
      await stepUp(scope, info.scopes, storeId, ctx);
      ({ token, info } = await activeInfo(await session.getAccessToken()));
      // The call was for `storeId`: whatever grant is stored now (another process's
      // included), a call never runs in another store than the one it was made for.
      if (info.storeId !== storeId) throw storeMismatch(storeId, info.storeId);
    }
    // A step-up the merchant approved with fewer scopes than asked ends here.
    requireScope(info, scope);
    return { accessToken: token, storeId: info.storeId, scopes: info.scopes, merchant: info.merchant };
  }
}
