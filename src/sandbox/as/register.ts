/**
 * Dynamic client registration as Whatalo documents it (CONTRACT A5): `client_name` and
 * `redirect_uris` required, `grant_types` defaulting to `["authorization_code"]`, the
 * registered `scope` a ceiling for later requests, `client_secret_expires_at: 0` although the
 * client itself expires after 90 days, and 10 registrations per IP per hour.
 *
 * A registration names an app and where its codes go; nothing in it changes what the AS says
 * about another client's tokens (issue 29 item 13): there is no "resource" registration, and
 * an unknown field such as `resource` is ignored (RFC 7591 §2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isScope } from '../../scopes.js';
import { HttpError, readBody, sendJson } from '../http.js';
import type { SandboxContext } from '../context.js';
import { CLIENT_SECONDS, TOKEN_EXCHANGE_GRANT, type AuthMethod, type Client, type GrantType, now, randomClientId, randomToken, sha256Hex } from '../state.js';
import { rateLimited, take } from './rate-limit.js';
import { redirectUriProblem } from './redirects.js';
import { parseScope } from './scope.js';

const AUTH_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT];
/** The optional fields Whatalo lists and echoes; the `_uri` ones must be absolute URLs. */
const EXTRA_FIELDS = ['software_id', 'software_version', 'logo_uri', 'client_uri', 'policy_uri', 'tos_uri'] as const;
const MAX_NAME_LENGTH = 200;
const MAX_FIELD_LENGTH = 2000;
const MAX_REDIRECT_URIS = 20;

type RegistrationError = 'invalid_request' | 'invalid_client_metadata' | 'invalid_redirect_uri';

/** Whatalo's registration errors: `invalid_request` for a missing field (its example), RFC 7591 §3.2.2 otherwise. */
function metadataError(error: RegistrationError, description: string): HttpError {
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
  if (value.length > MAX_FIELD_LENGTH) throw metadataError('invalid_client_metadata', `${name} is longer than ${MAX_FIELD_LENGTH} characters`);
  return value;
}

type Metadata = Omit<Client, 'client_id' | 'secretDigest' | 'issuedAt' | 'expiresAt'>;

/** Validates Whatalo's registration fields into a client record (without its identifiers). */
export function validateMetadata(body: unknown, localhostOnly = false): Metadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw metadataError('invalid_client_metadata', 'the body must be a JSON object of client metadata');
  }
  const meta = body as Record<string, unknown>;

  const clientName = optionalString(meta.client_name, 'client_name');
  if (clientName === undefined) throw metadataError('invalid_request', 'client_name is required');
  if (clientName.trim() === '' || clientName.length > MAX_NAME_LENGTH) {
    throw metadataError('invalid_client_metadata', `client_name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }

  const redirectUris = stringArray(meta.redirect_uris, 'redirect_uris');
  if (redirectUris === undefined || redirectUris.length === 0) throw metadataError('invalid_request', 'redirect_uris is required');
  if (redirectUris.length > MAX_REDIRECT_URIS) {
    throw metadataError('invalid_redirect_uri', `at most ${MAX_REDIRECT_URIS} redirect_uris may be registered`);
  }
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, localhostOnly);
    if (problem) throw metadataError('invalid_redirect_uri', problem);
  }

  const method = optionalString(meta.token_endpoint_auth_method, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(method as AuthMethod)) {
    throw metadataError('invalid_client_metadata', `token_endpoint_auth_method "${method}" is not supported; use one of ${AUTH_METHODS.join(', ')}`);
  }

  const grantTypes = [...new Set(stringArray(meta.grant_types, 'grant_types') ?? ['authorization_code'])];
  for (const grant of grantTypes) {
    if (!GRANT_TYPES.includes(grant as GrantType)) {
      throw metadataError('invalid_client_metadata', `grant_type "${grant}" is not supported; use ${GRANT_TYPES.join(', ')}`);
    }
  }
  const responseTypes = stringArray(meta.response_types, 'response_types') ?? ['code'];
  for (const type of responseTypes) {
    if (type !== 'code') throw metadataError('invalid_client_metadata', `response_type "${type}" is not supported; only code is`);
  }

  const scope = optionalString(meta.scope, 'scope');
  if (scope !== undefined) {
    const scopes = parseScope(scope, (message) => metadataError('invalid_client_metadata', message));
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length > 0) throw metadataError('invalid_client_metadata', `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`);
  }

  const extras: Record<string, string> = {};
  for (const field of EXTRA_FIELDS) {
    const value = optionalString(meta[field], field);
    if (value === undefined) continue;
    if (field.endsWith('_uri') && !/^https?:\/\//i.test(value)) throw metadataError('invalid_client_metadata', `${field} must be an http(s) URL`);
    extras[field] = value;
  }

  return {
    token_endpoint_auth_method: method as AuthMethod,
    redirect_uris: redirectUris,
    grant_types: grantTypes as GrantType[],
    response_types: responseTypes,
    client_name: clientName,
    scope,
    extras,
  };
}

/** The client's IP, the key of the per-IP limits. */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * POST /oauth/register: 201 with the fields echoed, `client_id` (24 lowercase alphanumerics),
 * `client_secret` for a confidential client and `client_secret_expires_at: 0`. Every request
 * counts against the IP's hourly budget, a refused one too.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
export async function handleRegister(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const wait = take(ctx.state.rates.registrations, clientIp(req), ctx.limits.registrationsPerHour, now(ctx.state));
  if (wait !== undefined) {
    req.resume();
    ctx.logger.warn('registration refused: rate limit', { retry_after: wait });
    throw rateLimited(`Registration limit of ${ctx.limits.registrationsPerHour} requests per hour exceeded`, wait);
  }
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
  const metadata = validateMetadata(body, ctx.flags.localhostOnly);
  const issuedAt = now(ctx.state);
  const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomToken();
  const client: Client = {
    ...metadata,
    client_id: randomClientId(),
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

  const answer: Record<string, unknown> = { client_id: client.client_id };
  if (secret !== undefined) answer.client_secret = secret;
  Object.assign(answer, {
    client_name: client.client_name,
    redirect_uris: client.redirect_uris,
    grant_types: client.grant_types,
    response_types: client.response_types,
  });
  if (client.scope !== undefined) answer.scope = client.scope;
  answer.token_endpoint_auth_method = client.token_endpoint_auth_method;
  Object.assign(answer, client.extras);
  answer.client_id_issued_at = Math.floor(issuedAt / 1000);
  // Whatalo's answer says the secret never expires, though the client does (CONTRACT A5);
  // RFC 7591 §3.2.1 has the field only where a secret was issued.
  if (secret !== undefined) answer.client_secret_expires_at = 0;
  sendJson(res, 201, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
}
