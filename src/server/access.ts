/**
 * The seam between a tool call and where its credentials come from. One interface, two
 * sources: the local broker (stdio and `call`: sign-in, refresh, step-up on this machine) and
 * the verified request (HTTP mode: the inbound Bearer token the SDK put in `authInfo`).
 * call.ts asks the source for an Access before the handler runs and checks its scope with
 * `requireScope`; neither the tools nor the API client know which source it was.
 *
 * @see ../../docs/design.md "One tool call, top-down"
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { WhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import { type Scope, hasScope, joinScopes } from '../scopes.js';

/** What one call may use API v1 with. */
export interface Access {
  /** The token sent to API v1; never logged, never put in output. */
  accessToken: string;
  /** whatalo_store_id from introspection: the only source of the store. */
  storeId: string;
  scopes: readonly string[];
  /** The merchant (`sub`), when the source knows it. */
  merchant?: string;
}

/** What the transport knows about the call in flight. */
export interface CallContext {
  /** Aborted when the host cancels the call or goes away. */
  signal: AbortSignal;
  /** Short human text while a sign-in is under way (stdio: progress notifications). */
  onProgress?: (message: string) => void;
  /** Shows the sign-in URL to the person (stdio: URL-mode elicitation); resolves once shown. */
  presentUrl?: (url: string) => Promise<void>;
  /** Called once access is granted, so the host can close a "waiting for sign-in" view. */
  onAccessGranted?: () => Promise<void>;
  /** HTTP mode: the verified inbound Bearer token (the SDK's `extra.authInfo`). */
  authInfo?: AuthInfo;
}

export interface AccessSource {
  /** Access that carries `scope` for this call; throws WhataloError (AUTH_REQUIRED,
   *  INSUFFICIENT_SCOPE, AS_UNREACHABLE, …). A source may sign in or step up to get it. */
  ensureAccess(scope: Scope, context: CallContext): Promise<Access>;
  /** API v1 answered 401 to `access`: forget it, so one retry through ensureAccess renews. */
  invalidate(access: Access): void;
}

/**
 * The per-call scope check, done before the handler whatever the source: a source that
 * answers with less than it was asked for never reaches API v1 with it.
 */
export function requireScope<A extends Pick<Access, 'scopes'>>(access: A, scope: Scope): A {
  if (hasScope(access.scopes, scope)) return access;
  const command = `whatalo-mcp login --scopes "${joinScopes([...access.scopes, scope])}"`;
  const { t } = translator();
  throw new WhataloError('INSUFFICIENT_SCOPE', t('error.scopeNotGranted', { scope }), {
    hint: t('error.scopeNotGrantedHint', { command }),
    details: { scope, command },
  });
}
