/**
 * The token endpoint (CONTRACT A8): authorization_code (with PKCE), rotating refresh_token
 * grants, and token exchange for confidential clients (token-exchange.ts, A10). Whatalo's
 * limits come first: 60 requests per minute per IP, then 30 per authenticated client_id.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2.2
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { joinScopes } from '../../scopes.js';
import { oauthError, one, readForm, sendJson } from '../http.js';
import type { SandboxContext } from '../context.js';
import { ACCESS_TOKEN_SECONDS, type Client, type Grant, findToken, issueTokens, now, revokeGrant, sha256Hex, TOKEN_EXCHANGE_GRANT } from '../state.js';
import { authenticateClient } from './client-auth.js';
import { rateLimited, take } from './rate-limit.js';
import { resourceProblem } from './redirects.js';
import { clientIp } from './register.js';
import { narrowScope } from './scope.js';
import { exchangeToken } from './token-exchange.js';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Token answers must never be cached (RFC 6749 §5.1). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function required(params: Map<string, string[]>, name: string): string {
  const value = one(params, name);
  if (!value) throw oauthError('invalid_request', `${name} is required`);
  return value;
}

/** At most one `resource` (CONTRACT A15), and the one the merchant authorized (RFC 8707 §2.2). */
function audience(params: Map<string, string[]>, grant: Grant): string {
  const resources = params.get('resource') ?? [];
  if (resources.length > 1) throw oauthError('invalid_target', 'at most one resource may be requested');
  const asked = resources[0];
  if (asked === undefined) return grant.resource;
  const problem = resourceProblem(asked);
  if (problem) throw oauthError('invalid_target', problem);
  if (asked !== grant.resource) throw oauthError('invalid_target', 'resource differs from the one the merchant authorized');
  return asked;
}

/** Counts one token request against `limit` for `key`; over it, Whatalo's 429 (CONTRACT A8). */
function charge(ctx: SandboxContext, window: 'tokenByIp' | 'tokenByClient', key: string, limit: number): void {
  const wait = take(ctx.state.rates[window], key, limit, now(ctx.state));
  if (wait === undefined) return;
  ctx.logger.warn('token request refused: rate limit', { per: window === 'tokenByIp' ? 'ip' : 'client_id', retry_after: wait });
  throw rateLimited(`Too many token requests. Retry after ${wait} seconds.`, wait);
}

function redeemCode(ctx: SandboxContext, client: Client, params: Map<string, string[]>) {
  const code = required(params, 'code');
  const redirectUri = required(params, 'redirect_uri');
  const verifier = required(params, 'code_verifier');
  const record = ctx.state.codes.get(sha256Hex(code));
  if (!record) throw oauthError('invalid_grant', 'unknown authorization code');
  if (record.used) {
    // OAuth 2.1 §4.1.3: a replayed code means it leaked; what it bought must stop working.
    revokeGrant(ctx.state, record.grantId);
    ctx.logger.warn('authorization code reused; its tokens are revoked', { client_id: client.client_id });
    throw oauthError('invalid_grant', 'authorization code was already used; the tokens issued from it are revoked');
  }
  if (now(ctx.state) >= record.expiresAt) throw oauthError('invalid_grant', 'authorization code has expired');
  if (record.clientId !== client.client_id) throw oauthError('invalid_grant', 'authorization code was issued to another client');
  if (record.redirectUri !== redirectUri) throw oauthError('invalid_grant', 'redirect_uri differs from the authorization request');
  if (!CODE_VERIFIER.test(verifier)) throw oauthError('invalid_grant', 'code_verifier must be 43 to 128 unreserved characters');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (challenge !== record.codeChallenge) throw oauthError('invalid_grant', 'code_verifier does not match the code_challenge');
  const grant = ctx.state.grants.get(record.grantId);
  if (!grant || grant.revoked) throw oauthError('invalid_grant', 'the authorization was revoked');
  const aud = audience(params, grant);
  record.used = true;
  return { grant, scope: grant.scope, aud };
}

function redeemRefresh(ctx: SandboxContext, client: Client, params: Map<string, string[]>) {
  const token = required(params, 'refresh_token');
  const record = findToken(ctx.state, token);
  if (!record || record.kind !== 'refresh') throw oauthError('invalid_grant', 'unknown refresh token');
  if (record.clientId !== client.client_id) throw oauthError('invalid_grant', 'refresh token was issued to another client');
  const grant = ctx.state.grants.get(record.grantId);
  if (!grant || grant.revoked || record.revoked) throw oauthError('invalid_grant', 'refresh token was revoked');
  if (record.rotated) {
    // RFC 9700 §4.14.2: a rotated token seen again means two parties hold it; end the grant.
    revokeGrant(ctx.state, grant.id);
    ctx.logger.warn('rotated refresh token replayed; the grant is revoked', { client_id: client.client_id });
    throw oauthError('invalid_grant', 'refresh token was already used; the whole grant is revoked');
  }
  if (now(ctx.state) >= record.expiresAt) throw oauthError('invalid_grant', 'refresh token has expired');

  const scope = narrowScope(one(params, 'scope'), grant.scope, (extra) => `scope ${extra} was not granted; a refresh cannot widen the grant`);
  const aud = audience(params, grant);
  record.rotated = true;
  return { grant, scope, aud };
}

/** POST /oauth/token. */
export async function handleToken(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    charge(ctx, 'tokenByIp', clientIp(req), ctx.limits.tokenPerMinutePerIp);
  } catch (error) {
    req.resume();
    throw error;
  }
  const params = await readForm(req, ['resource']);
  const client = authenticateClient(ctx, req, params);
  // Per client_id only once authenticated: a stranger cannot spend another client's budget.
  charge(ctx, 'tokenByClient', client.client_id, ctx.limits.tokenPerMinutePerClient);
  const grantType = one(params, 'grant_type');
  if (!grantType) throw oauthError('invalid_request', 'grant_type is required');
  if (grantType === TOKEN_EXCHANGE_GRANT) {
    // Not checked against the registered grant_types (CONTRACT A10): the stored page is silent.
    sendJson(res, 200, exchangeToken(ctx, client, params), NO_STORE);
    return;
  }
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw oauthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`);
  }
  ctx.state.stats.grants[grantType]++;
  if (!client.grant_types.includes(grantType)) {
    throw oauthError('unauthorized_client', `this client is not registered for the ${grantType} grant`);
  }
  const { grant, scope, aud } = grantType === 'authorization_code' ? redeemCode(ctx, client, params) : redeemRefresh(ctx, client, params);
  const issued = issueTokens(ctx.state, grant, scope, aud);
  if (grantType === 'refresh_token') ctx.state.stats.refreshes++;
  ctx.logger.info('tokens issued', { client_id: client.client_id, grant_type: grantType, store_id: grant.storeId });
  sendJson(
    res,
    200,
    {
      access_token: issued.access,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      // A client that did not register the refresh_token grant gets none (CONTRACT A5).
      ...(issued.refresh === undefined ? {} : { refresh_token: issued.refresh }),
      scope: joinScopes(scope),
    },
    NO_STORE,
  );
}
