/**
 * The HTTP mode's AccessSource: the verified inbound Bearer token the SDK hands each call as
 * `authInfo`. The store is what introspection said (`extra.storeId`, set only by app.ts after
 * verification); nothing in the tool's arguments can name another. API v1 gets the token
 * obtained for it by exchange for the tool's scope, never the inbound one (unless the operator
 * chose to forward).
 */
import { WhataloError } from '../../errors.js';
import type { Access, AccessSource } from '../access.js';
import type { TokenValidator, VerifiedToken } from './tokens.js';

/** Where app.ts keeps the verification result inside the SDK's AuthInfo. */
export const VERIFIED = 'whatalo_verified';

export function httpSource(tokens: TokenValidator): AccessSource {
  // Which inbound token each granted Access was made for, so a 401 from API v1 forgets the right one.
  const inboundOf = new WeakMap<Access, string>();
  return {
    async ensureAccess(scope, context) {
      const info = context.authInfo;
      const verified = info?.extra?.[VERIFIED] as VerifiedToken | undefined;
      // app.ts refuses unauthenticated calls with a 401 first; reaching here without one is a wiring bug.
      if (!info || !verified) throw new WhataloError('AUTH_REQUIRED', 'This request carries no verified Whatalo access token.');
      const upstream = await tokens.upstreamToken(info.token, verified, scope);
      const access: Access = {
        accessToken: upstream.accessToken,
        storeId: verified.storeId,
        // What both the inbound and the exchanged token carry: requireScope checks against this.
        scopes: verified.scopes.filter((s) => upstream.scopes.includes(s)),
        merchant: verified.merchant,
      };
      inboundOf.set(access, info.token);
      return access;
    },
    invalidate(access) {
      const inbound = inboundOf.get(access);
      if (inbound) tokens.forget(inbound);
    },
  };
}
