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
import { splitScopes } from '../scopes.js';
import { VERSION } from '../version.js';
import { readPrivateFile } from './credentials/private-file.js';
import { z } from 'zod';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type HttpDeps, isClientAuthMethod, oauthFailure, requestOptions } from './oauth.js';
import { recordIssue } from './records.js';

/** How this app names itself at registration (shown on Whatalo's consent page). */
export const CLIENT_NAME = 'Whatalo MCP (desktop)';

/**
 * RFC 7591 §2 `software_id`: the same for every install of this app and every version, so the
 * AS can tell its registrations apart from other software's (CONTRACT AC4). A fixed UUID,
 * never changed.
 */
export const SOFTWARE_ID = '6f1d7a52-3c0e-4b8e-9a51-2f4c8d9e0b17';

/**
 * What this app asks to be registered as (CONTRACT A5, AC4): `client_name` and
 * `redirect_uris` (Whatalo requires both), `grant_types` with `refresh_token` (the default is
 * the code grant alone), how it authenticates, `software_id`/`software_version`, and `scope`:
 * every scope the enabled tools may need, because the registered scope is the ceiling of any
 * later request, a step-up included, although the first sign-in asks only for read scopes.
 * `application_type: native` is what lets a standards-following AS (OpenID Connect
 * Registration §2) accept an http loopback redirect; Whatalo does not list it and, like any
 * RFC 7591 server, ignores what it does not know.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export function nativeClientMetadata(options: {
  redirect_uris: readonly string[];
  token_endpoint_auth_method: ClientAuthMethod;
  /** Space-separated; empty = no `scope` (the AS's default). */
  scope: string;
}): Partial<oauth.OmitSymbolProperties<oauth.Client>> {
  return {
    client_name: CLIENT_NAME,
    application_type: 'native',
    redirect_uris: [...options.redirect_uris],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: options.token_endpoint_auth_method,
    software_id: SOFTWARE_ID,
    software_version: VERSION,
    ...(options.scope ? { scope: options.scope } : {}),
  };
}

/** The non-secret half of a registration, as kept in clients.json. */
export interface RegisteredClient {
  client_id: string;
  /** How the client authenticates at the token, introspection and revocation endpoints. */
  token_endpoint_auth_method: ClientAuthMethod;
  /** Seconds since the epoch (RFC 7591 §3.2.1), when known. */
  client_id_issued_at: number | null;
  /** Seconds since the epoch; 0 or null = does not expire. */
  client_secret_expires_at: number | null;
  /**
   * The redirect URIs registered, exact ports included (CONTRACT AC3): the loopback one is
   * bound again at the next sign-in. Null: not known (a client configured by hand, or a
   * clients.json entry from before exact ports, which the next sign-in replaces).
   */
  redirect_uris: string[] | null;
  /** The scope registered, the ceiling of any request (CONTRACT AC4); null = none registered (the AS's default). */
  scope: string | null;
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
 * Registers with the AS, asking for `metadata` (nativeClientMetadata for this app; the HTTP
 * resource server passes its own); the method, redirect URIs and scope the answer names are
 * the ones used from then on (RFC 7591 §3.2.1: the server may change what was asked). One
 * request, never repeated here: Whatalo allows 10 registrations per IP per hour (A5), and a
 * 429 ends with its Retry-After in the message (oauthFailure).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
export async function registerClient(
  as: oauth.AuthorizationServer,
  issuer: URL,
  deps: HttpDeps & { logger?: Logger },
  metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>>,
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
    redirect_uris: stringList(answer.redirect_uris) ?? stringList(metadata.redirect_uris) ?? null,
    scope: typeof answer.scope === 'string' ? answer.scope : typeof metadata.scope === 'string' ? metadata.scope : null,
  };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...value] : undefined;
}

/** True when the registered scope lets a request ask for every one of `scopes` (null: nothing was registered, the AS decides). */
export function scopeWithin(client: Pick<RegisteredClient, 'scope'>, scopes: readonly string[]): boolean {
  if (client.scope === null) return true;
  const ceiling = new Set(splitScopes(client.scope));
  return scopes.every((s) => ceiling.has(s));
}

/** True when the AS said the secret expires and that time has passed by the local clock. */
export function registrationExpired(client: RegisteredClient, nowMs: number): boolean {
  const expiresAt = client.client_secret_expires_at;
  return typeof expiresAt === 'number' && expiresAt > 0 && expiresAt * 1000 <= nowMs;
}

// --- clients.json ------------------------------------------------------------------------
//
// Version 2: { version: 2, clients: { KEY: entry }, pending: { KEY: entry } }, where an entry
// is the non-secret half of a registration (RegisteredClient) and KEY the session key (the
// issuer in direct mode). `clients` names the client of the stored grant; `pending` a
// registration no sign-in has completed with yet. Keeping it is what makes a sign-in that
// fails (denied, timed out, closed) cost no second registration: the next one uses it
// (CONTRACT A5, AC3). Version 1 files (no `pending`, entries without `redirect_uris` and
// `scope`) are read as they are: such an entry keeps its grant working, and the next
// interactive sign-in registers once with an exact port.

export type ClientSlot = 'clients' | 'pending';

interface ClientsFile {
  version: 2;
  clients: Record<string, RegisteredClient>;
  pending: Record<string, RegisteredClient>;
}

const empty = (): ClientsFile => ({ version: 2, clients: {}, pending: {} });

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
  // Absent in version 1: unknown, so not reusable for a new sign-in (see above).
  redirect_uris: z.array(z.string()).nullable().optional(),
  scope: z.string().nullable().optional(),
});

const clientsFile = z.object({ clients: z.record(z.string(), z.unknown()), pending: z.record(z.string(), z.unknown()).optional() });

function parseEntries(file: string, entries: Record<string, unknown>, slot: ClientSlot): Record<string, RegisteredClient> {
  const parsed: Record<string, RegisteredClient> = {};
  for (const [issuer, entry] of Object.entries(entries)) {
    const client = storedClient.safeParse(entry);
    if (!client.success) throw unreadable(file, `the ${slot === 'pending' ? 'pending ' : ''}entry for ${issuer}: ${recordIssue(client.error)}`);
    parsed[issuer] = {
      client_id: client.data.client_id,
      token_endpoint_auth_method: client.data.token_endpoint_auth_method,
      client_id_issued_at: client.data.client_id_issued_at ?? null,
      client_secret_expires_at: client.data.client_secret_expires_at ?? null,
      redirect_uris: client.data.redirect_uris ?? null,
      scope: client.data.scope ?? null,
    };
  }
  return parsed;
}

async function readClientsFile(configDir: string): Promise<ClientsFile> {
  const file = clientsFilePath(configDir);
  const bytes = await readPrivateFile(file);
  if (bytes === null) return empty();
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable(file, 'not JSON');
  }
  const outer = clientsFile.safeParse(value);
  if (!outer.success) throw unreadable(file, 'no "clients" object');
  return { version: 2, clients: parseEntries(file, outer.data.clients, 'clients'), pending: parseEntries(file, outer.data.pending ?? {}, 'pending') };
}

/** Writes via a temp file and rename, so a reader never sees half a file; 0600 in a 0700 dir. Nothing left: no file. */
async function writeClientsFile(configDir: string, content: ClientsFile): Promise<void> {
  const file = clientsFilePath(configDir);
  if (Object.keys(content.clients).length === 0 && Object.keys(content.pending).length === 0) {
    // Signed out of every issuer: leave nothing behind.
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new WhataloError('CREDENTIAL_STORE', `Cannot write ${file}: ${(error as Error).message}.`, { cause: error });
  }
}

/**
 * The session keys clients.json names a client for (remote mode's logout looks its grant up
 * by them): pending ones first, so the keys of stored grants come last, where it looks.
 */
export async function registeredKeys(configDir: string): Promise<string[]> {
  const content = await readClientsFile(configDir);
  const stored = Object.keys(content.clients);
  return [...Object.keys(content.pending).filter((key) => !stored.includes(key)), ...stored];
}

/** The non-secret fields only: whatever else a Registration carries never reaches the file. */
function entryOf(client: RegisteredClient): RegisteredClient {
  return {
    client_id: client.client_id,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    client_id_issued_at: client.client_id_issued_at,
    client_secret_expires_at: client.client_secret_expires_at,
    redirect_uris: client.redirect_uris,
    scope: client.scope,
  };
}

/** The client registered for `issuer` in `slot` (default: the stored grant's), or null. */
export async function readRegisteredClient(configDir: string, issuer: string, slot: ClientSlot = 'clients'): Promise<RegisteredClient | null> {
  return (await readClientsFile(configDir))[slot][issuer] ?? null;
}

/**
 * Names `client` in `slot`. Saved as the stored grant's client, it is no longer pending; saved
 * as pending, it replaces the pending one (resolves to the client it replaced, whose secret
 * the caller deletes).
 */
export async function saveRegisteredClient(
  configDir: string,
  issuer: string,
  client: RegisteredClient,
  slot: ClientSlot = 'clients',
): Promise<RegisteredClient | null> {
  const content = await readClientsFile(configDir).catch(() => empty());
  const replaced = content[slot][issuer] ?? null;
  content[slot][issuer] = entryOf(client);
  if (slot === 'clients' && content.pending[issuer]?.client_id === client.client_id) delete content.pending[issuer];
  await writeClientsFile(configDir, content);
  return replaced && replaced.client_id !== client.client_id ? replaced : null;
}

/** Forgets `clientId` for `issuer` wherever it is named (another process may have replaced it: then nothing changes). */
export async function forgetRegisteredClient(configDir: string, issuer: string, clientId: string): Promise<void> {
  let content: ClientsFile;
  try {
    content = await readClientsFile(configDir);
  } catch {
    // An unreadable file names no client we could keep: start it afresh.
    content = empty();
  }
  for (const slot of ['clients', 'pending'] as const) {
    if (content[slot][issuer]?.client_id === clientId) delete content[slot][issuer];
  }
  await writeClientsFile(configDir, content);
}
