/**
 * Token introspection for the client a token was issued to, or for a resource server
 * whose registered resource is the token's audience (CONTRACT A11).
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

/** POST /oauth/introspect. Anything the caller may not see is exactly `{"active":false}`. */
export async function handleIntrospect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.state.stats.introspections++;
  const params = await readForm(req);
  const caller = authenticateClient(ctx, req, params);
  const token = one(params, 'token');
  if (!token) throw oauthError('invalid_request', 'token is required');
  const record = findToken(ctx.state, token);
  const grant = record && ctx.state.grants.get(record.grantId);
  const visible =
    record !== undefined &&
    (record.clientId === caller.client_id || (record.kind === 'access' && caller.resource !== undefined && record.aud === caller.resource));
  if (!record || !grant || !visible || !isActive(ctx.state, record)) {
    sendJson(res, 200, { active: false }, NO_STORE);
    return;
  }
  const answer: Record<string, unknown> = {
    active: true,
    scope: joinScopes(record.scope),
    client_id: record.clientId,
    sub: grant.merchant,
    // RFC 7662's human-readable name of the resource owner, so a client can say who signed in.
    ...(grant.merchant === ctx.data.merchant.id ? { username: ctx.data.merchant.name } : {}),
    whatalo_store_id: grant.storeId,
    token_type: record.kind === 'access' ? 'Bearer' : 'refresh_token',
    exp: Math.floor(record.expiresAt / 1000),
    iat: Math.floor(record.issuedAt / 1000),
    iss: ctx.issuer,
  };
  if (record.aud !== undefined) answer.aud = record.aud;
  sendJson(res, 200, answer, NO_STORE);
}
