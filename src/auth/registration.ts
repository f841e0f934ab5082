/**
 * Dynamic client registration and the local record of which client this install is.
 *
 * Each install registers itself as a confidential client with its own secret (RFC 8252
 * §8.5: a secret per install, not one baked into the package). The non-secret part
 * (client_id and its expiry) lives in `clients.json` in the config directory, keyed by
 * issuer; the secret goes into the credential store with the tokens (see grant.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as oauth from 'oauth4webapi';
import { WhataloError } from '../errors.js';
import { readPrivateFile } from './credentials/private-file.js';
import { type HttpDeps, oauthFailure, requestOptions } from './oauth.js';

/** Where the sandbox and RFC 8252 §7.3 let us come back to: 127.0.0.1 (never localhost, §8.3), any port. */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/callback';

/** What this app asks to be registered as. */
export const CLIENT_METADATA = {
  client_name: 'Whatalo MCP (desktop)',
  redirect_uris: [REGISTERED_REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
} as const;

/** The non-secret half of a registration, as kept in clients.json. */
export interface RegisteredClient {
  client_id: string;
  /** Seconds since the epoch (RFC 7591 §3.2.1), when known. */
  client_id_issued_at: number | null;
  /** Seconds since the epoch; 0 or null = does not expire. */
  client_secret_expires_at: number | null;
}

export interface Registration extends RegisteredClient {
  client_secret: string;
}

/**
 * Registers this install with the AS.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
export async function registerClient(
  as: oauth.AuthorizationServer,
  issuer: URL,
  deps: HttpDeps = {},
  // The HTTP resource server registers as itself (a resource, no redirect) through the same step.
  metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>> = {
    ...CLIENT_METADATA,
    redirect_uris: [...CLIENT_METADATA.redirect_uris],
    grant_types: [...CLIENT_METADATA.grant_types],
    response_types: [...CLIENT_METADATA.response_types],
  },
): Promise<Registration> {
  let answer: Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;
  try {
    const response = await oauth.dynamicClientRegistrationRequest(as, metadata, requestOptions(issuer, deps));
    answer = await oauth.processDynamicClientRegistrationResponse(response);
  } catch (error) {
    throw oauthFailure(error, 'registration', issuer);
  }
  if (typeof answer.client_secret !== 'string' || answer.client_secret === '') {
    // We asked for client_secret_basic; a public registration would leave us unable to authenticate.
    throw new WhataloError('AS_PROTOCOL', `Whatalo at ${issuer.origin} registered this app without a client secret.`);
  }
  return {
    client_id: answer.client_id,
    client_secret: answer.client_secret,
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

function parseClient(value: unknown): RegisteredClient | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.client_id !== 'string' || v.client_id === '') return undefined;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return { client_id: v.client_id, client_id_issued_at: num(v.client_id_issued_at), client_secret_expires_at: num(v.client_secret_expires_at) };
}

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
  const clients = (value as { clients?: unknown } | null)?.clients;
  if (typeof clients !== 'object' || clients === null || Array.isArray(clients)) throw unreadable(file, 'no "clients" object');
  const parsed: Record<string, RegisteredClient> = {};
  for (const [issuer, entry] of Object.entries(clients)) {
    const client = parseClient(entry);
    if (!client) throw unreadable(file, `the entry for ${issuer} has no client_id`);
    parsed[issuer] = client;
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

/** The client registered for `issuer`, or null. */
export async function readRegisteredClient(configDir: string, issuer: string): Promise<RegisteredClient | null> {
  return (await readClientsFile(configDir)).clients[issuer] ?? null;
}

export async function saveRegisteredClient(configDir: string, issuer: string, client: RegisteredClient): Promise<void> {
  const content: ClientsFile = await readClientsFile(configDir).catch(() => ({ version: 1, clients: {} }));
  content.clients[issuer] = {
    client_id: client.client_id,
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
