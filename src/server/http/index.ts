/**
 * `serve --http`: the resource server on a port. Discovers the AS, gets the RS's own
 * confidential client (pre-provisioned, or registered once by DCR, CONTRACT R2), and serves.
 * An AS whose metadata does not list token exchange is not refused at start (Whatalo's own
 * reference copy omits it, A2): the exchange is tried, and a refusal is a 503 naming what
 * the AS must allow. With a Redis URL, the replicas of one deployment share their caches and
 * rate limits there.
 *
 * Every connection is bounded in time (headers, whole request, keep-alive idle), and close()
 * drains: no new connections, idle ones closed, in-flight requests given a grace period,
 * then every connection closed — Node stops its own timeout checks once close() is called,
 * so without the last step one slow client would hold the process forever.
 */
import { type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationServer } from 'oauth4webapi';
import { discoverAuthorizationServer } from '../../auth/discovery.js';
import { preferredAuthMethod, registerClient } from '../../auth/registration.js';
import { createApiClient } from '../../api/client.js';
import { apiResource } from '../../config.js';
import { WhataloError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AccessSource } from '../access.js';
import { type CatalogEntry, requiredScopes } from '../../tools/catalog.js';
import { joinScopes } from '../../scopes.js';
import { createHttpApp } from './app.js';
import { type RateLimits, createRateLimiter } from './rate-limit.js';
import { type SharedStore, connectRedis } from './redis.js';
import { deploymentNamespace } from './shared-state.js';
import { TOKEN_EXCHANGE_GRANT, createTokenValidator, tokenFleet } from './tokens.js';

export interface HttpServeOptions {
  host: string;
  port: number;
  publicUrl: URL;
  issuer: URL;
  apiBase: URL;
  tools: readonly CatalogEntry[];
  logger: Logger;
  introspectionTtlSeconds: number;
  upstream: 'exchange' | 'forward';
  /** API v1's resource indicator for the exchange: config.apiResource (CONTRACT AC1); default: the origin of apiBase, by config's apiResource(). */
  apiResource?: string;
  /** Pre-provisioned RS credentials (WHATALO_RS_CLIENT_ID/_SECRET); else one DCR at start (resourceServerClientMetadata). */
  credentials?: { client_id: string; client_secret: string };
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
  maxBodyBytes?: number;
  retryBaseMs?: number;
  /** Tests only: serve without a Bearer check, every call on this source (see HttpAppOptions). */
  unauthenticated?: AccessSource;
  /** WHATALO_REDIS_URL: share the introspection cache and rate limits with the other replicas. */
  redisUrl?: URL;
  /** WHATALO_CACHE_KEY (32 bytes): seal what is shared, and share exchanged tokens too. */
  cacheKey?: Buffer;
  /** None = no limits. */
  rateLimits?: RateLimits;
  trustProxyHops?: number;
  /** Connection bounds; the defaults are CONNECTION_TIMEOUTS. */
  timeouts?: Partial<ConnectionTimeouts>;
}

export interface ConnectionTimeouts {
  /** From the connection (or the previous answer) to the end of the request headers: slow headers, and sockets that send nothing. */
  headersMs: number;
  /** From the connection to the end of the request body: slow bodies. */
  requestMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveMs: number;
  /** How often Node looks for connections past headersMs or requestMs. */
  checkEveryMs: number;
  /** On close(): how long in-flight requests may take before every connection is closed. */
  graceMs: number;
}

/** A 1 MiB body at a modem's pace fits in requestMs; nothing honest takes 10 s to send its headers. */
export const CONNECTION_TIMEOUTS: Readonly<ConnectionTimeouts> = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
  graceMs: 10_000,
});

/** How long one readiness answer stands: /readyz costs the AS at most one discovery per this, however often it is asked. */
const READINESS_TTL_MS = 5_000;

export interface RunningHttpServer {
  /** Where it listens, e.g. http://127.0.0.1:8080 */
  url: string;
  counts(): { introspections: number; exchanges: number; readinessChecks: number };
  /** Drains (see the module comment); resolves once every connection is closed. */
  close(): Promise<void>;
}

/**
 * CONTRACT R2: the metadata this server registers its own confidential client with. Whatalo
 * requires `redirect_uris` of every client although a resource server never redirects: the
 * placeholder is an https URI under the public URL that nothing serves (plain http only
 * when the public URL itself is loopback http).
 */
export function resourceServerClientMetadata(publicUrl: URL, authMethod: 'client_secret_basic' | 'client_secret_post', tools: readonly CatalogEntry[]) {
  return {
    client_name: 'Whatalo MCP resource server',
    // Whatalo holds a client to its registered scope: the exchange asks for each enabled tool's.
    scope: joinScopes(requiredScopes(tools)),
    redirect_uris: [placeholderRedirectUri(publicUrl)],
    grant_types: ['authorization_code', TOKEN_EXCHANGE_GRANT],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
  };
}

export function placeholderRedirectUri(publicUrl: URL): string {
  return `${publicUrl.href.replace(/\/$/, '')}/oauth/no-redirect`;
}

/** One check at a time, its answer kept READINESS_TTL_MS: a flood of /readyz is a flood of cache hits. */
function cachedReadiness(check: () => Promise<boolean>, now: () => number = Date.now) {
  let last: { ready: boolean; at: number } | undefined;
  let pending: Promise<boolean> | undefined;
  let checks = 0;
  return {
    ready(): Promise<boolean> {
      if (last && now() - last.at < READINESS_TTL_MS) return Promise.resolve(last.ready);
      pending ??= (checks++, check())
        .catch(() => false)
        .then((ready) => {
          last = { ready, at: now() };
          pending = undefined;
          return ready;
        });
      return pending;
    },
    checks: () => checks,
  };
}

export async function startHttpServer(options: HttpServeOptions): Promise<RunningHttpServer> {
  const { logger, issuer } = options;
  const as = await discoverAuthorizationServer(issuer);
  if (options.upstream === 'exchange' && !(as.grant_types_supported ?? []).includes(TOKEN_EXCHANGE_GRANT)) {
    // CONTRACT A2: Whatalo's API-reference copy of its metadata omits the grant it supports.
    logger.warn(
      `the authorization server's metadata does not list token exchange (${TOKEN_EXCHANGE_GRANT}); it will be tried at the first tool call, ` +
        'and a refusal answered 503 naming what the AS must allow',
    );
  }
  const authMethod = preferredAuthMethod(as, issuer, false) as 'client_secret_basic' | 'client_secret_post';
  let credentials = options.credentials;
  if (!credentials) {
    const registered = await registerClient(as, issuer, {}, resourceServerClientMetadata(options.publicUrl, authMethod, options.tools));
    credentials = { client_id: registered.client_id, client_secret: registered.client_secret! };
    logger.info('registered as a resource server by DCR; set WHATALO_RS_CLIENT_ID and WHATALO_RS_CLIENT_SECRET to keep one registration', {
      client_id: registered.client_id,
    });
  }
  const store = options.redisUrl ? await connectRedis(options.redisUrl, logger) : undefined;
  try {
    return await listen(options, as, { ...credentials, token_endpoint_auth_method: authMethod }, store);
  } catch (error) {
    await store?.close();
    throw error;
  }
}

async function listen(
  options: HttpServeOptions,
  as: AuthorizationServer,
  credentials: { client_id: string; client_secret: string; token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' },
  store: SharedStore | undefined,
): Promise<RunningHttpServer> {
  const { logger, issuer } = options;
  const namespace = deploymentNamespace(issuer, options.publicUrl);
  if (store && !options.cacheKey && options.upstream === 'exchange')
    logger.info('exchanged tokens stay in each replica: set WHATALO_CACHE_KEY to share them, sealed, through Redis');
  const tokens = createTokenValidator(
    {
      as,
      issuer,
      credentials,
      ttlSeconds: options.introspectionTtlSeconds,
      resource: options.publicUrl.href,
      apiResource: options.apiResource ?? apiResource(options.apiBase),
      onRefused: (reason) => logger.info('bearer token refused', { reason }),
      fleet: tokenFleet({ store, cacheKey: options.cacheKey, namespace }),
    },
    options.upstream,
  );
  const api = createApiClient({ apiBase: options.apiBase, logger, ...(options.retryBaseMs === undefined ? {} : { retry: { baseMs: options.retryBaseMs } }) });

  const timeouts = { ...CONNECTION_TIMEOUTS, ...options.timeouts };
  // Slow or idle clients must not hold a connection forever (Node answers 408 and closes).
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  });
  const readiness = cachedReadiness(async () => {
    await discoverAuthorizationServer(issuer, { timeoutMs: timeouts.headersMs });
    return true;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WhataloError('CONFIG_INVALID', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  // The answers not yet begun, so a drain can tell their keep-alive clients to go elsewhere.
  const unanswered = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.setHeader('connection', 'close');
    else unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
    res.once('finish', () => unanswered.delete(res));
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The listener is made once the port is known (--port 0): the Host a local client sends names it.
  server.on(
    'request',
    createHttpApp({
      publicUrl: options.publicUrl,
      issuer,
      tools: options.tools,
      tokens,
      api,
      logger,
      allowedHosts: [...(options.allowedHosts ?? []), `${hostPart}:${address.port}`],
      allowedOrigins: options.allowedOrigins ?? [],
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      ...(options.unauthenticated ? { unauthenticated: options.unauthenticated } : {}),
      ...(options.rateLimits ? { rateLimiter: createRateLimiter(options.rateLimits, { store, namespace }) } : {}),
      trustProxyHops: options.trustProxyHops ?? 0,
      ready: readiness.ready,
    }),
  );
  const url = `http://${hostPart}:${address.port}`;
  logger.info(`MCP resource server for ${options.publicUrl.href} listening on ${url}`);

  return {
    url,
    counts: () => ({ ...tokens.counts(), readinessChecks: readiness.checks() }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Answers still to come end their connection, so keep-alive clients go elsewhere.
        for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
        server.close(() => resolve());
        server.closeIdleConnections();
        // close() stops Node's timeout checks: past the grace period, nothing is waited for.
        const cutoff = setTimeout(() => server.closeAllConnections(), timeouts.graceMs);
        cutoff.unref();
        server.once('close', () => clearTimeout(cutoff));
      }).then(() => store?.close());
      return closing;
    },
  };
}
