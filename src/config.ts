/**
 * One validated configuration, built once from flags and the environment.
 *
 * Every value is checked here with a message that names the variable and what was wrong,
 * so nothing downstream re-parses an env var. Flags win over the environment.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { WhataloError } from './errors.js';
import type { LogLevel } from './log.js';
import { ALL_SCOPES, isReadScope, isScope } from './scopes.js';

export const DEFAULT_ISSUER = 'https://app.whatalo.com';
export const DEFAULT_API_BASE = 'https://api.whatalo.com/v1';
export const MAX_INTROSPECTION_TTL = 60;
/** HTTP mode's rate limits: per client IP before auth, per store and client after (API v1's own budget per app and store). */
export const DEFAULT_RATE_LIMITS = Object.freeze({ perIp: 1200, perTenant: 600, windowSeconds: 60 });
/** AES-256-GCM: the cache key is exactly this many bytes. */
export const CACHE_KEY_BYTES = 32;
/** The shortest passphrase the encrypted-file store accepts (README "Configuration"). */
export const MIN_CREDENTIAL_KEY_LENGTH = 12;

export type CredentialStoreKind = 'keychain' | 'file' | 'memory';

export interface Config {
  readonly issuer: URL;
  readonly apiBase: URL;
  /**
   * The RFC 8707 resource every token for API v1 is asked for, and the `aud` introspection must
   * name: the origin of `apiBase` (CONTRACT AC1), or `--resource` / `WHATALO_RESOURCE`. Made only
   * by `apiResource`, so the choice lives in one place.
   */
  readonly apiResource: string;
  readonly configDir: string;
  readonly credentialStore: CredentialStoreKind;
  /** Passphrase for the `file` store; required with it, ignored otherwise. Never logged. */
  readonly credentialKey: string | undefined;
  /** `BROWSER`: a command run with the URL as its last argument; `none` only prints. */
  readonly browser: string | undefined;
  readonly introspectionTtlSeconds: number;
  readonly loginTimeoutSeconds: number;
  readonly logLevel: LogLevel;
  readonly readOnly: boolean;
  /** Ask the merchant before a destructive write, when the host can show a form (WHATALO_CONFIRM_WRITES, default true). */
  readonly confirmWrites: boolean;
  /** Enabled toolsets; undefined = all. */
  readonly toolsets: readonly string[] | undefined;
  /** Scopes to request up front (`--scopes`); undefined = derive from enabled tools. */
  readonly scopes: readonly string[] | undefined;
  /** A client registered by hand at the AS (`WHATALO_CLIENT_ID`); used instead of registering. */
  readonly clientId: string | undefined;
  /** Its secret (`WHATALO_CLIENT_SECRET`); undefined = a public client. Never logged, never in clients.json. */
  readonly clientSecret: string | undefined;
  /**
   * `WHATALO_REDIRECT_URI`: the loopback redirect registered by hand with that client,
   * `http://127.0.0.1:PORT/callback` or `http://localhost:PORT/callback`, bound exactly (an AS
   * such as Whatalo matches the port, CONTRACT A6); undefined = an ephemeral port on 127.0.0.1.
   */
  readonly redirectUri: string | undefined;
  /** `WHATALO_CLIENT_METADATA_URL`: this app's Client ID Metadata Document, for an AS that supports them. */
  readonly clientMetadataUrl: URL | undefined;
  /** `--remote` / `WHATALO_REMOTE_URL`: a remote MCP server to forward to instead of calling API v1. */
  readonly remoteUrl: URL | undefined;
  /** `WHATALO_REDIS_URL` (HTTP mode): what the replicas of one server share. May carry a password: never logged. */
  readonly redisUrl: URL | undefined;
  /** `WHATALO_CACHE_KEY`: 32 bytes that seal what is shared in Redis; without it exchanged tokens stay in each process. */
  readonly cacheKey: Buffer | undefined;
  /** HTTP mode: requests per window per client IP (before auth) and per store and client (after); 0 = no limit. */
  readonly rateLimits: { readonly perIp: number; readonly perTenant: number; readonly windowSeconds: number };
  /** `WHATALO_TRUST_PROXY_HOPS`: reverse proxies in front that append to X-Forwarded-For; 0 = the socket's address is the client. */
  readonly trustProxyHops: number;
}

/** The flags any subcommand may pass through; each is optional. */
export interface ConfigFlags {
  issuer?: string;
  apiBase?: string;
  resource?: string;
  readOnly?: boolean;
  toolsets?: string;
  scopes?: string;
  credentialStore?: string;
  remote?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The loopback redirect URIs this app can listen on (auth/loopback.ts parses the same shape). */
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|localhost):(\d{1,5})\/callback$/;

/** True for hosts that never leave the machine; plain http is allowed only for these. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function httpUrl(name: string) {
  return z.string().transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} must be an absolute URL (got "${raw}")` });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must use https; plain http is accepted only on loopback (got "${raw}")`,
      });
      return z.NEVER;
    }
    if (url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: `${name} must not carry a query, fragment or credentials (got "${raw}")` });
      return z.NEVER;
    }
    return url;
  });
}

/** A loopback redirect URI with an explicit port, as registered by hand. */
function loopbackRedirect(name: string) {
  return z.string().transform((raw, ctx) => {
    const port = Number(LOOPBACK_REDIRECT.exec(raw)?.[2]);
    if (!(port >= 1 && port <= 65535)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be http://127.0.0.1:PORT/callback or http://localhost:PORT/callback (got "${raw}")` });
      return z.NEVER;
    }
    return raw;
  });
}

function intInRange(name: string, min: number, max: number, unit: string) {
  return z.string().transform((raw, ctx) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of ${unit} from ${min} to ${max} (got "${raw}")` });
      return z.NEVER;
    }
    return value;
  });
}

/** A Redis URL may carry a password, so its messages never quote it. */
function redisUrl(name: string) {
  return z.string().transform((raw, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379/0 (value not shown)` });
      return z.NEVER;
    }
    return url;
  });
}

/** 32 random bytes as 64 hex digits or base64 (`openssl rand -base64 32`); a passphrase would be a weak AES key. */
function cacheKey(name: string) {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(text)
      ? Buffer.from(text, 'hex')
      : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
        ? Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
        : undefined;
    if (!key || key.length !== CACHE_KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message:
          `${name} must be ${CACHE_KEY_BYTES} random bytes as 64 hex digits or base64 (make one with: openssl rand -base64 32); ` +
          `got ${key ? `${key.length} bytes` : 'neither hex nor base64'} (value not shown)`,
      });
      return z.NEVER;
    }
    return key;
  });
}

function enumOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(v)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be one of ${values.join(', ')} (got "${raw}")` });
      return z.NEVER;
    }
    return v as T[number];
  });
}

function bool(name: string) {
  return z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: `${name} must be true or false (got "${raw}")` });
    return z.NEVER;
  });
}

function list(name: string) {
  return z.string().transform((raw, ctx) => {
    const items = raw.split(/[\s,]+/).filter(Boolean);
    if (items.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must name at least one value` });
      return z.NEVER;
    }
    return [...new Set(items)];
  });
}

const schema = z.object({
  issuer: httpUrl('--issuer / WHATALO_ISSUER').optional(),
  apiBase: httpUrl('--api-base / WHATALO_API_BASE').optional(),
  resource: httpUrl('--resource / WHATALO_RESOURCE').optional(),
  configDir: z.string().min(1, 'WHATALO_CONFIG_DIR must not be empty').optional(),
  credentialStore: enumOf('WHATALO_CREDENTIAL_STORE', ['keychain', 'file', 'memory'] as const).optional(),
  credentialKey: z.string().optional(),
  browser: z.string().optional(),
  introspectionTtlSeconds: intInRange('WHATALO_INTROSPECTION_TTL', 0, MAX_INTROSPECTION_TTL, 'seconds').optional(),
  loginTimeoutSeconds: intInRange('WHATALO_LOGIN_TIMEOUT', 1, 3600, 'seconds').optional(),
  logLevel: enumOf('WHATALO_LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const).optional(),
  readOnly: bool('--read-only / WHATALO_READ_ONLY').optional(),
  confirmWrites: bool('WHATALO_CONFIRM_WRITES').optional(),
  toolsets: list('--toolsets / WHATALO_TOOLSETS').optional(),
  scopes: list('--scopes / WHATALO_SCOPES').optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  redirectUri: loopbackRedirect('WHATALO_REDIRECT_URI').optional(),
  clientMetadataUrl: z
    .string()
    .transform((raw, ctx) => {
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        url = undefined;
      }
      // A Client ID Metadata Document is named by an https URL with a path (the client_id itself).
      if (!url || url.protocol !== 'https:' || url.pathname === '/' || url.hash) {
        ctx.addIssue({ code: 'custom', message: `WHATALO_CLIENT_METADATA_URL must be an https URL with a path and no fragment (got "${raw}")` });
        return z.NEVER;
      }
      return url;
    })
    .optional(),
  remoteUrl: httpUrl('--remote / WHATALO_REMOTE_URL').optional(),
  redisUrl: redisUrl('WHATALO_REDIS_URL').optional(),
  cacheKey: cacheKey('WHATALO_CACHE_KEY').optional(),
  rateLimitIp: intInRange('WHATALO_RATE_LIMIT_IP', 0, 1_000_000, 'requests').optional(),
  rateLimitTenant: intInRange('WHATALO_RATE_LIMIT_TENANT', 0, 1_000_000, 'requests').optional(),
  rateLimitWindowSeconds: intInRange('WHATALO_RATE_LIMIT_WINDOW', 1, 3600, 'seconds').optional(),
  trustProxyHops: intInRange('WHATALO_TRUST_PROXY_HOPS', 0, 10, 'proxies').optional(),
});

/**
 * The resource identifier of API v1 (RFC 8707), CONTRACT AC1: Whatalo names its API
 * `https://api.whatalo.com` in every example (A15), the origin of the `/v1` base, so the
 * default is the origin of `apiBase`. An explicit setting wins. An identifier with no path
 * is written as an origin, without the trailing slash URL serialisation adds, because the AS
 * compares it (and echoes it as `aud`) as a string.
 */
export function apiResource(apiBase: URL, override?: URL): string {
  const chosen = override ?? new URL(apiBase.origin);
  return chosen.pathname === '/' ? chosen.origin : chosen.href;
}

/** The platform's per-user config directory, joined with the app name. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'whatalo-mcp');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'whatalo-mcp');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'whatalo-mcp');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Builds the configuration; throws WhataloError('CONFIG_INVALID') naming every bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const input = {
    issuer: flags.issuer ?? nonEmpty(env.WHATALO_ISSUER),
    apiBase: flags.apiBase ?? nonEmpty(env.WHATALO_API_BASE),
    resource: flags.resource ?? nonEmpty(env.WHATALO_RESOURCE),
    configDir: nonEmpty(env.WHATALO_CONFIG_DIR),
    credentialStore: flags.credentialStore ?? nonEmpty(env.WHATALO_CREDENTIAL_STORE),
    credentialKey: nonEmpty(env.WHATALO_CREDENTIAL_KEY),
    browser: nonEmpty(env.BROWSER),
    introspectionTtlSeconds: nonEmpty(env.WHATALO_INTROSPECTION_TTL),
    loginTimeoutSeconds: nonEmpty(env.WHATALO_LOGIN_TIMEOUT),
    logLevel: nonEmpty(env.WHATALO_LOG_LEVEL),
    readOnly: flags.readOnly === true ? 'true' : nonEmpty(env.WHATALO_READ_ONLY),
    confirmWrites: nonEmpty(env.WHATALO_CONFIRM_WRITES),
    toolsets: flags.toolsets ?? nonEmpty(env.WHATALO_TOOLSETS),
    scopes: flags.scopes ?? nonEmpty(env.WHATALO_SCOPES),
    clientId: nonEmpty(env.WHATALO_CLIENT_ID),
    clientSecret: nonEmpty(env.WHATALO_CLIENT_SECRET),
    redirectUri: nonEmpty(env.WHATALO_REDIRECT_URI),
    clientMetadataUrl: nonEmpty(env.WHATALO_CLIENT_METADATA_URL),
    remoteUrl: flags.remote ?? nonEmpty(env.WHATALO_REMOTE_URL),
    redisUrl: nonEmpty(env.WHATALO_REDIS_URL),
    cacheKey: nonEmpty(env.WHATALO_CACHE_KEY),
    rateLimitIp: nonEmpty(env.WHATALO_RATE_LIMIT_IP),
    rateLimitTenant: nonEmpty(env.WHATALO_RATE_LIMIT_TENANT),
    rateLimitWindowSeconds: nonEmpty(env.WHATALO_RATE_LIMIT_WINDOW),
    trustProxyHops: nonEmpty(env.WHATALO_TRUST_PROXY_HOPS),
  };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => i.message);
    throw new WhataloError('CONFIG_INVALID', reasons.join('; '));
  }
  const v = parsed.data;
  // A remote MCP server names scopes of its own; Whatalo's catalog applies to the direct mode only.
  if (v.scopes && !v.remoteUrl) checkScopes(v.scopes, flags.scopes !== undefined ? '--scopes' : 'WHATALO_SCOPES', v.readOnly ?? false);
  const credentialStore = v.credentialStore ?? 'keychain';
  if (credentialStore === 'file' && !v.credentialKey) {
    throw new WhataloError('CONFIG_INVALID', 'WHATALO_CREDENTIAL_STORE=file needs WHATALO_CREDENTIAL_KEY, the passphrase that encrypts the credential file');
  }
  // The file is only as strong as its passphrase: a one-character key (or a stray space) is
  // guessed in moments by anyone who can copy credentials.enc.
  if (credentialStore === 'file' && v.credentialKey!.trim().length < MIN_CREDENTIAL_KEY_LENGTH) {
    throw new WhataloError(
      'CONFIG_INVALID',
      `WHATALO_CREDENTIAL_KEY must be at least ${MIN_CREDENTIAL_KEY_LENGTH} characters (not counting spaces around it); a shorter passphrase is too easy ` +
        `to guess`,
    );
  }
  if (v.clientSecret && !v.clientId) {
    throw new WhataloError('CONFIG_INVALID', 'WHATALO_CLIENT_SECRET needs WHATALO_CLIENT_ID, the client it belongs to');
  }
  if (v.redirectUri && !v.clientId) {
    throw new WhataloError('CONFIG_INVALID', 'WHATALO_REDIRECT_URI needs WHATALO_CLIENT_ID: a registered client keeps its own redirect in clients.json');
  }
  if (v.cacheKey && !v.redisUrl) {
    throw new WhataloError(
      'CONFIG_INVALID',
      'WHATALO_CACHE_KEY needs WHATALO_REDIS_URL: it seals what replicas share there, and nothing is shared without Redis',
    );
  }
  const apiBase = v.apiBase ?? new URL(DEFAULT_API_BASE);
  return Object.freeze({
    issuer: v.issuer ?? new URL(DEFAULT_ISSUER),
    apiBase,
    apiResource: apiResource(apiBase, v.resource),
    configDir: path.resolve(v.configDir ?? defaultConfigDir(env)),
    credentialStore,
    credentialKey: v.credentialKey,
    browser: v.browser,
    introspectionTtlSeconds: v.introspectionTtlSeconds ?? MAX_INTROSPECTION_TTL,
    loginTimeoutSeconds: v.loginTimeoutSeconds ?? 120,
    logLevel: v.logLevel ?? 'info',
    readOnly: v.readOnly ?? false,
    confirmWrites: v.confirmWrites ?? true,
    toolsets: v.toolsets,
    scopes: v.scopes,
    clientId: v.clientId,
    clientSecret: v.clientSecret,
    redirectUri: v.redirectUri,
    clientMetadataUrl: v.clientMetadataUrl,
    remoteUrl: v.remoteUrl,
    redisUrl: v.redisUrl,
    cacheKey: v.cacheKey,
    rateLimits: Object.freeze({
      perIp: v.rateLimitIp ?? DEFAULT_RATE_LIMITS.perIp,
      perTenant: v.rateLimitTenant ?? DEFAULT_RATE_LIMITS.perTenant,
      windowSeconds: v.rateLimitWindowSeconds ?? DEFAULT_RATE_LIMITS.windowSeconds,
    }),
    trustProxyHops: v.trustProxyHops ?? 0,
  });
}

/**
 * The one check of requested scopes, for every command that reads them (login, serve, call,
 * tools): each must be a known scope, and read-only mode takes read scopes only. The message
 * names where the value came from, the flag or the variable.
 */
function checkScopes(scopes: readonly string[], source: '--scopes' | 'WHATALO_SCOPES', readOnly: boolean): void {
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw new WhataloError(
      'CONFIG_INVALID',
      `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')} in ${source}; known scopes are ${ALL_SCOPES.join(', ')}`,
    );
  }
  const writes = readOnly ? scopes.filter((s) => isScope(s) && !isReadScope(s)) : [];
  if (writes.length > 0) throw new WhataloError('CONFIG_INVALID', `read-only mode asks for read scopes only; drop ${writes.join(', ')} from ${source}`);
}
