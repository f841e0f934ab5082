/**
 * Which client this install is at an authorization server, and the local record of it.
 *
 * By default each install registers itself (RFC 7591) as a native app with a loopback
 * redirect (RFC 8252 §7.3) and, when the AS offers one, a secret of its own (RFC 8252 §8.5:
 * a secret per install, never one baked into the package). A client registered by hand
 * (`WHATALO_CLIENT_ID`, `WHATALO_CLIENT_SECRET`) or named by a Client ID Metadata Document
 * URL is used instead when configured. The non-secret part (client_id, how it
 * authenticates, its expiry) lives in `clients.json` in the config directory, keyed by the
 * session key (the issuer in direct mode); the secret goes into the credential store with
 * the tokens (see grant.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as oauth from 'oauth4webapi';
import { WhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { readPrivateFile } from './credentials/private-file.js';
import { z } from 'zod';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type HttpDeps, isClientAuthMethod, oauthFailure, requestOptions } from './oauth.js';
import { recordIssue } from './records.js';

/** Where RFC 8252 §7.3 lets us come back to: 127.0.0.1 (never localhost, §8.3), any port. */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/callback';

/**
 * What this app asks to be registered as. `application_type: native` is what lets an AS
 * accept the loopback redirect on any port (OpenID Connect Registration §2, RFC 8252 §7.3);
 * without it a standards-following AS treats us as a web client and refuses the port.
 */
export const CLIENT_METADATA = {
  client_name: 'Whatalo MCP (desktop)',
  application_type: 'native',
  redirect_uris: [REGISTERED_REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
} as const;

/** The non-secret half of a registration, as kept in clients.json. */
export interface RegisteredClient {
  client_id: string;
  /** How the client authenticates at the token, introspection and revocation endpoints. */
  token_endpoint_auth_method: ClientAuthMethod;
  /** Seconds since the epoch (RFC 7591 §3.2.1), when known. */
  client_id_issued_at: number | null;
  /** Seconds since the epoch; 0 or null = does not expire. */
  client_secret_expires_at: number | null;
}

export interface Registration extends RegisteredClient {
  /** Null for a public client (`none`). */
  client_secret: string | null;
}

/** RFC 8414 §2: an AS that lists no methods supports client_secret_basic. */
const DEFAULT_AUTH_METHODS: readonly string[] = ['client_secret_basic'];

/**
 * The method to authenticate with, from what the AS lists: a secret when it takes one
 * (Basic first, as RFC 6749 §2.3.1 requires every AS to support it), else a public client.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (token_endpoint_auth_methods_supported)
 */
export function preferredAuthMethod(as: oauth.AuthorizationServer, issuer: URL, canBePublic = true): ClientAuthMethod {
  const listed = Array.isArray(as.token_endpoint_auth_methods_supported) ? as.token_endpoint_auth_methods_supported : DEFAULT_AUTH_METHODS;
  const usable: ClientAuthMethod[] = canBePublic ? ['client_secret_basic', 'client_secret_post', 'none'] : ['client_secret_basic', 'client_secret_post'];
  const method = usable.find((m) => listed.includes(m));
  if (!method) {
    throw new WhataloError(
      'AS_PROTOCOL',
      `The authorization server at ${issuer.origin} supports none of the client authentication methods this app can use (it lists ` +
        `${JSON.stringify(listed)}; this app can use ${usable.join(', ')}).`,
    );
  }
  return method;
}

/**
 * A registration answer may leave out `client_secret_expires_at` although RFC 7591 §3.2.1
 * asks for it with every secret; oauth4webapi refuses such an answer. Missing means "does
 * not expire" (the value 0), so the answer is handed on with that written in.
 */
async function withExpiryDefault(response: Response, logger: Logger | undefined): Promise<Response> {
  if (response.status !== 201 || !/json/i.test(response.headers.get('content-type') ?? '')) return response;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return response; // oauth4webapi names what is wrong with it
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return response;
  const record = body as Record<string, unknown>;
  if (typeof record.client_secret !== 'string' || record.client_secret_expires_at !== undefined) return response;
  logger?.debug('the registration answer has no client_secret_expires_at; the secret is taken not to expire');
  return new Response(JSON.stringify({ ...record, client_secret_expires_at: 0 }), { status: response.status, headers: response.headers });
}

/**
 * Registers this install with the AS, asking for `method`; the method the answer names is
 * the one used from then on (RFC 7591 §3.2.1: the server may change what was asked).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
export async function registerClient(
  as: oauth.AuthorizationServer,
  issuer: URL,
  deps: HttpDeps & { logger?: Logger } = {},
  // The HTTP resource server registers as itself (a resource, no redirect) through the same step.
  metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>> = {
    ...CLIENT_METADATA,
    redirect_uris: [...CLIENT_METADATA.redirect_uris],
    grant_types: [...CLIENT_METADATA.grant_types],
    response_types: [...CLIENT_METADATA.response_types],
    token_endpoint_auth_method: preferredAuthMethod(as, issuer),
  },
): Promise<Registration> {
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  let answer: Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;
  try {
    const response = await oauth.dynamicClientRegistrationRequest(as, metadata, requestOptions(issuer, deps));
    answer = await oauth.processDynamicClientRegistrationResponse(await withExpiryDefault(response, deps.logger));
  } catch (error) {
    throw oauthFailure(error, 'registration', issuer);
  }
  const granted = answer.token_endpoint_auth_method ?? method;
  if (!isClientAuthMethod(granted)) {
    throw new WhataloError(
      'AS_PROTOCOL',
      `The authorization server at ${issuer.origin} registered this app with token_endpoint_auth_method ${JSON.stringify(granted)}, which this app cannot use.`,
    );
  }
  const secret = typeof answer.client_secret === 'string' && answer.client_secret !== '' ? answer.client_secret : null;
  if (granted !== 'none' && secret === null) {
    throw new WhataloError('AS_PROTOCOL', `The authorization server at ${issuer.origin} registered this app for ${granted} without a client secret.`);
  }
  return {
    client_id: answer.client_id,
    token_endpoint_auth_method: granted,
    // A public client presents no secret, even one the AS sent anyway.
    client_secret: granted === 'none' ? null : secret,
    client_id_issued_at: typeof answer.client_id_issued_at === 'number' ? answer.client_id_issued_at : null,
    client_secret_expires_at: typeof answer.client_secret_expires_at === 'number' ? answer.client_secret_expires_at : null,
  };
}

/** True when the AS said the secret expires and that time has passed by the local clock. */
export function registrationExpired(client: RegisteredClient, nowMs: number): boolean {
  const expiresAt = client.client_secret_expires_at;
  return typeof expiresAt === 'number' && expiresAt > 0 && expiresAt * 1000 <= nowMs;
}

// --- clients.json ------------------------------------------------------------------------

interface ClientsFile {
  version: 1;
  clients: Record<string, RegisteredClient>;
}

export function clientsFilePath(configDir: string): string {
  return path.join(configDir, 'clients.json');
}

function unreadable(file: string, why: string): WhataloError {
  return new WhataloError('CREDENTIAL_STORE', `${file} is unreadable (${why}).`, {
    hint: `Delete ${file} and run \`whatalo-mcp login\`; it only names this app's registration and holds no secret.`,
    details: { reason: 'corrupt_clients_file' },
  });
}

const maybeSeconds = z.number().finite().nullable().optional().catch(null);

/** One clients.json entry; entries written before the method was recorded were all client_secret_basic. */
const storedClient = z.object({
  client_id: z.string().min(1),
  token_endpoint_auth_method: z.enum(CLIENT_AUTH_METHODS).default('client_secret_basic'),
  client_id_issued_at: maybeSeconds,
  client_secret_expires_at: maybeSeconds,
});

const clientsFile = z.object({ clients: z.record(z.string(), z.unknown()) });

async function readClientsFile(configDir: string): Promise<ClientsFile> {
  const file = clientsFilePath(configDir);
  const bytes = await readPrivateFile(file);
  if (bytes === null) return { version: 1, clients: {} };
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable(file, 'not JSON');
  }
  const outer = clientsFile.safeParse(value);
  if (!outer.success) throw unreadable(file, 'no "clients" object');
  const parsed: Record<string, RegisteredClient> = {};
  for (const [issuer, entry] of Object.entries(outer.data.clients)) {
    const client = storedClient.safeParse(entry);
    if (!client.success) throw unreadable(file, `the entry for ${issuer}: ${recordIssue(client.error)}`);
    parsed[issuer] = {
      ...client.data,
      client_id_issued_at: client.data.client_id_issued_at ?? null,
      client_secret_expires_at: client.data.client_secret_expires_at ?? null,
    };
  }
  return { version: 1, clients: parsed };
}

/** Writes via a temp file and rename, so a reader never sees half a file; 0600 in a 0700 dir. */
async function writeClientsFile(configDir: string, content: ClientsFile): Promise<void> {
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = clientsFilePath(configDir);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new WhataloError('CREDENTIAL_STORE', `Cannot write ${file}: ${(error as Error).message}.`, { cause: error });
  }
}

/** The session keys clients.json names a client for (remote mode's logout looks its grant up by them). */
export async function registeredKeys(configDir: string): Promise<string[]> {
  return Object.keys((await readClientsFile(configDir)).clients);
}

/** The client registered for `issuer`, or null. */
export async function readRegisteredClient(configDir: string, issuer: string): Promise<RegisteredClient | null> {
  return (await readClientsFile(configDir)).clients[issuer] ?? null;
}

export async function saveRegisteredClient(configDir: string, issuer: string, client: RegisteredClient): Promise<void> {
  const content: ClientsFile = await readClientsFile(configDir).catch(() => ({ version: 1, clients: {} }));
  content.clients[issuer] = {
    client_id: client.client_id,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    client_id_issued_at: client.client_id_issued_at,
    client_secret_expires_at: client.client_secret_expires_at,
  };
  await writeClientsFile(configDir, content);
}

/** Forgets the client of `issuer`, but only if it is still `clientId` (another process may have replaced it). */
export async function forgetRegisteredClient(configDir: string, issuer: string, clientId: string): Promise<void> {
  let content: ClientsFile;
  try {
    content = await readClientsFile(configDir);
  } catch {
    // An unreadable file names no client we could keep: start it afresh.
    content = { version: 1, clients: {} };
  }
  if (content.clients[issuer] && content.clients[issuer].client_id !== clientId) return;
  delete content.clients[issuer];
  if (Object.keys(content.clients).length > 0) return writeClientsFile(configDir, content);
  // Signed out of every issuer: leave nothing behind.
  await fs.rm(clientsFilePath(configDir), { force: true });
}
