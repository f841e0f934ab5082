/**
 * Authorization server metadata.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALL_SCOPES } from '../../scopes.js';
import { sendJson } from '../http.js';
import { TOKEN_EXCHANGE_GRANT } from '../state.js';
import type { SandboxContext } from '../context.js';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** The metadata document; no `jwks_uri` because tokens are opaque (CONTRACT A2). */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  const clientAuth = ['client_secret_basic', 'client_secret_post', 'none'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    scopes_supported: [...ALL_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: clientAuth,
    // Public clients may introspect and revoke only their own tokens, by client_id.
    introspection_endpoint_auth_methods_supported: clientAuth,
    revocation_endpoint_auth_methods_supported: clientAuth,
    authorization_response_iss_parameter_supported: true,
  };
}

/** GET /.well-known/oauth-authorization-server */
export function handleMetadata(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, authorizationServerMetadata(ctx.issuer), { 'cache-control': 'max-age=60' });
}
