/**
 * RFC 8693 token exchange as Whatalo documents it (CONTRACT A10): a confidential client — a
 * gateway or resource server — trades an active access token (`subject_token`) for one with
 * another audience (`resource`, or `audience`; `resource` wins) and the same or fewer scopes.
 * The new token keeps the user and the store (same grant), expires no later than the subject,
 * and ends with it. Any confidential client may ask, whoever the subject was issued to: what a
 * token may reach is decided by its `aud`, which the resource server checks itself (A11).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
import { joinScopes } from '../../scopes.js';
import { oauthError, one } from '../http.js';
import type { SandboxContext } from '../context.js';
import { ACCESS_TOKEN_SECONDS, type Client, findToken, isActive, mintToken, now } from '../state.js';
import { resourceProblem } from './redirects.js';
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
 * The new token's audience: `resource` (one value), else `audience`, else the subject's own
 * (our choice where the page is silent: RFC 8693 lets the AS pick a default target).
 */
function targetOf(params: Map<string, string[]>, subjectAud: string): string {
  const resources = params.get('resource') ?? [];
  if (resources.length > 1) throw oauthError('invalid_target', 'at most one resource may be requested');
  const target = resources[0] ?? one(params, 'audience') ?? subjectAud;
  const problem = resourceProblem(target);
  if (problem) throw oauthError('invalid_target', problem);
  return target;
}

/** Validates the exchange request of `client` (already authenticated) and issues the token. */
export function exchangeToken(ctx: SandboxContext, client: Client, params: Map<string, string[]>): ExchangedToken {
  if (client.token_endpoint_auth_method === 'none') {
    throw oauthError('unauthorized_client', 'token exchange is for confidential clients only; a public client may not use it');
  }
  const subjectToken = one(params, 'subject_token');
  if (!subjectToken) throw oauthError('invalid_request', 'subject_token is required');
  const subjectType = one(params, 'subject_token_type');
  if (subjectType !== ACCESS_TOKEN_TYPE) throw oauthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  const requestedType = one(params, 'requested_token_type');
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    throw oauthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (params.has('actor_token')) throw oauthError('invalid_request', 'delegation (actor_token) is not supported');

  const subject = findToken(ctx.state, subjectToken);
  // RFC 8693 §2.2.2: an unacceptable subject_token is invalid_request; which reason is not said.
  if (!subject || subject.kind !== 'access' || !isActive(ctx.state, subject)) {
    throw oauthError('invalid_request', 'subject_token is not an active access token');
  }
  const aud = targetOf(params, subject.aud);
  const scope = narrowScope(one(params, 'scope'), subject.scope, (extra) => `scope ${extra} is not in the subject token; an exchange cannot widen it`);

  const issuedAt = now(ctx.state);
  const expiresAt = Math.min(subject.expiresAt, issuedAt + ACCESS_TOKEN_SECONDS * 1000);
  const { value } = mintToken(ctx.state, {
    kind: 'access',
    grantId: subject.grantId,
    clientId: client.client_id,
    scope,
    aud,
    issuedAt,
    expiresAt,
    subject: subject.digest,
  });
  ctx.state.stats.exchanges++;
  const grant = ctx.state.grants.get(subject.grantId);
  ctx.logger.info('token exchanged', { client_id: client.client_id, store_id: grant?.storeId, aud });
  return {
    access_token: value,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: Math.floor((expiresAt - issuedAt) / 1000),
    scope: joinScopes(scope),
  };
}
