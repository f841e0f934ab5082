/**
 * RFC 8693 token exchange, our extension (CONTRACT A20): a resource server trades a token
 * that was issued for it (`subject_token`) for one whose resource is API v1 — same grant and
 * store, scopes ⊆ the subject's, expiring no later — so it never has to forward a token
 * that was not issued for the API (MCP 2025-11-25, no token passthrough).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
import { joinScopes } from '../../scopes.js';
import { oauthError, one } from '../http.js';
import { API_PREFIX, type SandboxContext } from '../context.js';
import { ACCESS_TOKEN_SECONDS, type Client, findToken, isActive, mintToken, now } from '../state.js';
import { resourceProblem } from './register.js';
import { narrowScope } from './scope.js';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface ExchangedToken {
  access_token: string;
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * Validates the exchange request of `client` (already authenticated) and issues the token.
 * Only a resource server may ask, and only for tokens whose audience is its own resource:
 * a client cannot launder its own token into an API token this way.
 */
export function exchangeToken(ctx: SandboxContext, client: Client, params: Map<string, string[]>): ExchangedToken {
  const apiBase = `${ctx.issuer}${API_PREFIX}`;
  const subjectToken = one(params, 'subject_token');
  if (!subjectToken) throw oauthError('invalid_request', 'subject_token is required');
  const subjectType = one(params, 'subject_token_type');
  if (subjectType !== ACCESS_TOKEN_TYPE) throw oauthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  const requestedType = one(params, 'requested_token_type');
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    throw oauthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (params.has('actor_token')) throw oauthError('invalid_request', 'delegation (actor_token) is not supported');
  if (params.has('audience')) throw oauthError('invalid_target', `name the API with resource=${apiBase}, not audience`);

  const resources = params.get('resource') ?? [];
  if (resources.length > 1) throw oauthError('invalid_target', 'at most one resource may be requested');
  const resource = resources[0] ?? apiBase;
  const problem = resourceProblem(resource);
  if (problem) throw oauthError('invalid_target', problem);
  if (resource !== apiBase) throw oauthError('invalid_target', `tokens can be exchanged only for API v1 (${apiBase})`);

  if (client.resource === undefined) throw oauthError('unauthorized_client', 'only a resource server registered with a resource may exchange tokens');
  const subject = findToken(ctx.state, subjectToken);
  // RFC 8693 §2.2.2: an unacceptable subject_token is invalid_request; which reason is not said.
  if (!subject || subject.kind !== 'access' || subject.aud !== client.resource || !isActive(ctx.state, subject)) {
    throw oauthError('invalid_request', 'subject_token is not an active access token issued for this resource server');
  }

  const scope = narrowScope(one(params, 'scope'), subject.scope, (extra) => `scope ${extra} is not in the subject token; an exchange cannot widen it`);

  const issuedAt = now(ctx.state);
  const expiresAt = Math.min(subject.expiresAt, issuedAt + ACCESS_TOKEN_SECONDS * 1000);
  const { value } = mintToken(ctx.state, {
    kind: 'access',
    grantId: subject.grantId,
    clientId: client.client_id,
    scope,
    aud: apiBase,
    issuedAt,
    expiresAt,
    subject: subject.digest,
  });
  ctx.state.stats.exchanges++;
  const grant = ctx.state.grants.get(subject.grantId);
  ctx.logger.info('token exchanged for API v1', { client_id: client.client_id, store_id: grant?.storeId });
  return {
    access_token: value,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: Math.floor((expiresAt - issuedAt) / 1000),
    scope: joinScopes(scope),
  };
}
