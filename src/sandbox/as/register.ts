/**
 * Dynamic client registration.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isScope } from '../../scopes.js';
import { HttpError, readBody, sendJson } from '../http.js';
import type { SandboxContext } from '../context.js';
import { CLIENT_SECONDS, TOKEN_EXCHANGE_GRANT, type AuthMethod, type Client, type GrantType, now, randomId, randomToken, sha256Hex } from '../state.js';
import { redirectUriProblem } from './redirects.js';
import { parseScope } from './scope.js';

const AUTH_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT];
const MAX_NAME_LENGTH = 200;
const MAX_REDIRECT_URIS = 20;

/** RFC 7591 §3.2.2 error. */
function metadataError(error: 'invalid_client_metadata' | 'invalid_redirect_uri', description: string): HttpError {
  return new HttpError(400, { error, error_description: description }, { 'cache-control': 'no-store' });
}

function stringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw metadataError('invalid_client_metadata', `${name} must be an array of strings`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw metadataError('invalid_client_metadata', `${name} must be a string`);
  return value;
}

/** Our extension (CONTRACT A11): an absolute URI without a fragment naming a resource server. */
export function resourceProblem(value: string): string | undefined {
  try {
    new URL(value);
  } catch {
    return `resource "${value}" is not an absolute URI`;
  }
  return value.includes('#') ? `resource "${value}" must not contain a fragment` : undefined;
}

/** Validates RFC 7591 §2 metadata into a client record (without its identifiers). */
export function validateMetadata(body: unknown): Omit<Client, 'client_id' | 'secretDigest' | 'issuedAt' | 'expiresAt'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw metadataError('invalid_client_metadata', 'the body must be a JSON object of client metadata');
  }
  const meta = body as Record<string, unknown>;

  const resource = optionalString(meta.resource, 'resource');
  if (resource !== undefined) {
    const problem = resourceProblem(resource);
    if (problem) throw metadataError('invalid_client_metadata', problem);
  }

  const method = optionalString(meta.token_endpoint_auth_method, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(method as AuthMethod)) {
    throw metadataError('invalid_client_metadata', `token_endpoint_auth_method "${method}" is not supported; use one of ${AUTH_METHODS.join(', ')}`);
  }
  if (resource !== undefined && method === 'none') {
    throw metadataError('invalid_client_metadata', 'a resource server must be a confidential client to introspect tokens');
  }

  const redirectUris = stringArray(meta.redirect_uris, 'redirect_uris') ?? [];
  // A resource server introspects and exchanges the tokens sent to it; every other client needs somewhere to receive codes.
  const defaultGrants: GrantType[] = resource !== undefined && redirectUris.length === 0 ? [TOKEN_EXCHANGE_GRANT] : ['authorization_code'];
  const grantTypes = stringArray(meta.grant_types, 'grant_types') ?? defaultGrants;
  for (const grant of grantTypes) {
    if (!GRANT_TYPES.includes(grant as GrantType)) {
      throw metadataError('invalid_client_metadata', `grant_type "${grant}" is not supported; use ${GRANT_TYPES.join(', ')}`);
    }
  }
  const wantsCode = grantTypes.includes('authorization_code');
  const responseTypes = stringArray(meta.response_types, 'response_types') ?? (wantsCode ? ['code'] : []);
  for (const type of responseTypes) {
    if (type !== 'code') throw metadataError('invalid_client_metadata', `response_type "${type}" is not supported; use code`);
  }
  // RFC 7591 §2.1: authorization_code goes with the code response type, and only with it.
  if (wantsCode !== responseTypes.includes('code')) {
    throw metadataError('invalid_client_metadata', 'grant_types authorization_code and response_types code must be registered together');
  }

  if (wantsCode && redirectUris.length === 0) {
    throw metadataError('invalid_redirect_uri', 'redirect_uris is required for the authorization_code grant');
  }
  if (redirectUris.length > MAX_REDIRECT_URIS) {
    throw metadataError('invalid_redirect_uri', `at most ${MAX_REDIRECT_URIS} redirect_uris may be registered`);
  }
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw metadataError('invalid_redirect_uri', problem);
  }

  const clientName = optionalString(meta.client_name, 'client_name');
  if (clientName !== undefined && (clientName.trim() === '' || clientName.length > MAX_NAME_LENGTH)) {
    throw metadataError('invalid_client_metadata', `client_name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }

  const scope = optionalString(meta.scope, 'scope');
  if (scope !== undefined) {
    const unknown = parseScope(scope, (message) => metadataError('invalid_client_metadata', message)).filter((s) => !isScope(s));
    if (unknown.length > 0) throw metadataError('invalid_client_metadata', `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`);
  }

  return {
    token_endpoint_auth_method: method as AuthMethod,
    redirect_uris: redirectUris,
    grant_types: grantTypes as GrantType[],
    response_types: responseTypes,
    client_name: clientName,
    scope,
    resource,
  };
}

/**
 * POST /oauth/register: registers a confidential or public client; confidential ones get a
 * secret that expires with the client after 90 days of sandbox time (CONTRACT A3).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
export async function handleRegister(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw metadataError('invalid_client_metadata', 'content-type must be application/json');
  }
  const text = await readBody(req);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw metadataError('invalid_client_metadata', 'the body is not valid JSON');
  }
  const metadata = validateMetadata(body);
  const issuedAt = now(ctx.state);
  const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomToken();
  const client: Client = {
    ...metadata,
    client_id: randomId('cli'),
    secretDigest: secret === undefined ? undefined : sha256Hex(secret),
    issuedAt,
    expiresAt: issuedAt + CLIENT_SECONDS * 1000,
  };
  ctx.state.clients.set(client.client_id, client);
  ctx.state.stats.registrations++;
  ctx.logger.info('client registered', {
    client_id: client.client_id,
    client_name: client.client_name,
    method: client.token_endpoint_auth_method,
  });

  const answer: Record<string, unknown> = {
    client_id: client.client_id,
    client_id_issued_at: Math.floor(issuedAt / 1000),
  };
  if (secret !== undefined) {
    answer.client_secret = secret;
    answer.client_secret_expires_at = Math.floor(client.expiresAt / 1000);
  }
  Object.assign(answer, {
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    redirect_uris: client.redirect_uris,
    grant_types: client.grant_types,
    response_types: client.response_types,
  });
  if (client.client_name !== undefined) answer.client_name = client.client_name;
  if (client.scope !== undefined) answer.scope = client.scope;
  if (client.resource !== undefined) answer.resource = client.resource;
  sendJson(res, 201, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
}
