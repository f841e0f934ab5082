/**
 * Token revocation: idempotent, 200 with no body for any token once the client is known.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { oauthError, one, readForm } from '../http.js';
import type { SandboxContext } from '../context.js';
import { findToken, revokeGrant } from '../state.js';
import { authenticateClient } from './client-auth.js';

/**
 * POST /oauth/revoke. A refresh token ends its whole grant (every access token issued from
 * it); an access token ends only itself. Another client's token is left alone, and the
 * answer is the same 200 so the endpoint reveals nothing.
 */
export async function handleRevoke(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await readForm(req);
  const client = authenticateClient(ctx, req, params);
  const token = one(params, 'token');
  if (!token) throw oauthError('invalid_request', 'token is required');
  // token_type_hint is only a hint (RFC 7009 §2.1): the search covers both kinds anyway.
  const record = findToken(ctx.state, token);
  if (record && record.clientId === client.client_id) {
    if (record.kind === 'refresh') revokeGrant(ctx.state, record.grantId);
    else record.revoked = true;
    ctx.logger.info('token revoked', { client_id: client.client_id, kind: record.kind });
  }
  ctx.state.stats.revocations++;
  res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}
