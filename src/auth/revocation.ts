/**
 * Revocation of a stored grant's tokens, with client authentication (CONTRACT B5, A13).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
import * as oauth from 'oauth4webapi';
import { type HttpDeps, clientAuth, oauthFailure, requestOptions } from './oauth.js';
import { type SessionState, credentialsOf } from './session.js';

export interface RevocationOutcome {
  /** True when the AS confirmed every revocation. */
  revoked: boolean;
  /** The first failure, as a sentence, when it did not. */
  problem?: string;
}

/**
 * Revokes the refresh token, then the access token. The refresh token goes first: once it is
 * gone nothing can mint a new access token while the second request is under way.
 */
export async function revokeTokens(as: oauth.AuthorizationServer, issuer: URL, state: SessionState, http: HttpDeps = {}): Promise<RevocationOutcome> {
  const tokens = state.grant.tokens;
  if (!tokens) return { revoked: true };
  // RFC 7009 is optional for an AS; without it the tokens can only expire on their own.
  if (!as.revocation_endpoint) return { revoked: false, problem: `the authorization server at ${issuer.origin} offers no revocation endpoint` };
  const client: oauth.Client = { client_id: state.client.client_id };
  const auth = clientAuth(credentialsOf(state));
  const order: [string | null, string][] = [
    [tokens.refresh_token, 'refresh_token'],
    [tokens.access_token, 'access_token'],
  ];
  let problem: string | undefined;
  for (const [token, hint] of order) {
    if (!token) continue;
    try {
      const response = await oauth.revocationRequest(as, client, auth, token, {
        ...requestOptions(issuer, http),
        additionalParameters: { token_type_hint: hint },
      });
      await oauth.processRevocationResponse(response);
    } catch (error) {
      problem ??= oauthFailure(error, 'revocation', issuer).message;
    }
  }
  return problem === undefined ? { revoked: true } : { revoked: false, problem };
}
