/**
 * Authorization server metadata, field for field Whatalo's discovery document (CONTRACT A1,
 * A2, A3): no `jwks_uri` (tokens are opaque, as the overview says), no RFC 9207 advertisement
 * unless the issParameter flag is on, and the exchange omitted under referenceMetadata.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALL_SCOPES } from '../../scopes.js';
import { sendJson } from '../http.js';
import { TOKEN_EXCHANGE_GRANT } from '../state.js';
import type { SandboxContext } from '../context.js';
import type { AsFlags } from './flags.js';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** Whatalo's own pages, as its document names them. */
const WHATALO_DOCS = {
  service_documentation: 'https://developers.whatalo.com/docs/api/oauth/overview',
  op_policy_uri: 'https://whatalo.com/legal/privacy',
  op_tos_uri: 'https://whatalo.com/legal/terms',
} as const;

/** The metadata document for `issuer`, shaped by the sandbox's flags. */
export function authorizationServerMetadata(
  issuer: string,
  flags: Pick<AsFlags, 'issParameter' | 'referenceMetadata' | 'publicIntrospection'>,
): Record<string, unknown> {
  const secretMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: flags.referenceMetadata ? ['authorization_code', 'refresh_token'] : ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...secretMethods, 'none'],
    introspection_endpoint_auth_methods_supported: flags.publicIntrospection ? [...secretMethods, 'none'] : secretMethods,
    revocation_endpoint_auth_methods_supported: secretMethods,
    scopes_supported: [...ALL_SCOPES],
    subject_types_supported: ['public'],
    resource_parameter_supported: true,
    ...WHATALO_DOCS,
    ...(flags.issParameter ? { authorization_response_iss_parameter_supported: true } : {}),
  };
}

/** GET /.well-known/oauth-authorization-server */
export function handleMetadata(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, authorizationServerMetadata(ctx.issuer, ctx.flags), { 'cache-control': 'max-age=60' });
}
