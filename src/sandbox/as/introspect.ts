/**
 * Token introspection as Whatalo documents it (CONTRACT A11): any confidential client may
 * introspect any access token — that is how a resource server validates the tokens a host
 * application sends it — and the answer names the token's audience in `aud`. Whether the
 * token is meant for the caller is the caller's check (`aud`, `iss`), never the AS's: no
 * registration can make this endpoint answer differently for another server's tokens.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { joinScopes } from '../../scopes.js';
import { oauthError, one, readForm, sendJson } from '../http.js';
import type { SandboxContext } from '../context.js';
import { findToken, isActive } from '../state.js';
import { authenticateClient } from './client-auth.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * POST /oauth/introspect. Active: exactly Whatalo's ten fields. Anything else — unknown,
 * expired, revoked, a refresh token (the endpoint validates Bearer tokens; `token_type` is
 * "always Bearer") — is exactly `{"active":false}`. A public client is 401 invalid_client,
 * unless the publicIntrospection flag lets it see its own tokens (AC6).
 */
export async function handleIntrospect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.state.stats.introspections++;
  const params = await readForm(req);
  const caller = authenticateClient(ctx, req, params);
  const isPublic = caller.token_endpoint_auth_method === 'none';
  if (isPublic && !ctx.flags.publicIntrospection) {
    throw oauthError('invalid_client', 'introspection is for confidential clients only: authenticate with a client secret');
  }
  const token = one(params, 'token');
  if (!token) throw oauthError('invalid_request', 'token is required');
  const record = findToken(ctx.state, token);
  const grant = record && ctx.state.grants.get(record.grantId);
  const visible = record !== undefined && record.kind === 'access' && (!isPublic || record.clientId === caller.client_id);
  if (!record || !grant || !visible || !isActive(ctx.state, record)) {
    sendJson(res, 200, { active: false }, NO_STORE);
    return;
  }
  sendJson(
    res,
    200,
    {
      active: true,
      scope: joinScopes(record.scope),
      client_id: record.clientId,
      sub: grant.merchant,
      exp: Math.floor(record.expiresAt / 1000),
      iat: Math.floor(record.issuedAt / 1000),
      token_type: 'Bearer',
      aud: record.aud,
      iss: ctx.issuer,
      whatalo_store_id: grant.storeId,
    },
    NO_STORE,
  );
}
