/**
 * `serve --http`: the resource server on a port. Discovers the AS, gets the RS's own
 * credentials (pre-provisioned, or DCR with `resource` = the public URL, CONTRACT A11),
 * refuses to start when the AS cannot exchange tokens for API v1 (unless the operator chose
 * to forward), and closes gracefully: in-flight requests finish, new ones are refused. With
 * a Redis URL, the replicas of one deployment share their caches and rate limits there.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationServer } from 'oauth4webapi';
import { discoverAuthorizationServer } from '../../auth/discovery.js';
import { registerClient } from '../../auth/registration.js';
import { createApiClient } from '../../api/client.js';
import { WhataloError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AccessSource } from '../access.js';
import type { CatalogEntry } from '../../tools/catalog.js';
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
  /** Pre-provisioned RS credentials (WHATALO_RS_CLIENT_ID/_SECRET); else DCR with the resource. */
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
}

export interface RunningHttpServer {
  /** Where it listens, e.g. http://127.0.0.1:8080 */
  url: string;
  counts(): { introspections: number; exchanges: number };
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServeOptions): Promise<RunningHttpServer> {
  const { logger, issuer } = options;
  const as = await discoverAuthorizationServer(issuer);
  if (options.upstream === 'exchange' && !(as.grant_types_supported ?? []).includes(TOKEN_EXCHANGE_GRANT)) {
    throw new WhataloError(
      'CONFIG_INVALID',
      `the authorization server at ${issuer.origin} does not advertise token exchange (${TOKEN_EXCHANGE_GRANT}), so this server cannot call API v1 ` +
        `without forwarding the tokens it receives`,
      {
        hint:
          'Use an AS that supports RFC 8693, or --upstream forward if its tokens for this server are also valid at API v1 (a token passthrough: read ' +
          'the README first).',
      },
    );
  }
  let credentials = options.credentials;
  if (!credentials) {
    const registered = await registerClient(as, issuer, {}, {
      client_name: 'Whatalo MCP resource server',
      resource: options.publicUrl.href,
      token_endpoint_auth_method: 'client_secret_basic',
    } as never);
    credentials = { client_id: registered.client_id, client_secret: registered.client_secret! };
    logger.info('registered as a resource server by DCR; set WHATALO_RS_CLIENT_ID and WHATALO_RS_CLIENT_SECRET to keep one registration', {
      client_id: registered.client_id,
    });
  }
  const store = options.redisUrl ? await connectRedis(options.redisUrl, logger) : undefined;
  try {
    return await listen(options, as, credentials, store);
  } catch (error) {
    await store?.close();
    throw error;
  }
}

async function listen(
  options: HttpServeOptions,
  as: AuthorizationServer,
  credentials: { client_id: string; client_secret: string },
  store: SharedStore | undefined,
): Promise<RunningHttpServer> {
  const { logger, issuer } = options;
  const namespace = deploymentNamespace(issuer, options.publicUrl);
  if (store && !options.cacheKey && options.upstream === 'exchange')
    logger.info('exchanged tokens stay in each replica: set WHATALO_CACHE_KEY to share them, sealed, through Redis');
  const tokens = createTokenValidator(
    // The RS registers for, and is provisioned with, HTTP Basic.
    {
      as,
      issuer,
      credentials: { ...credentials, token_endpoint_auth_method: 'client_secret_basic' },
      ttlSeconds: options.introspectionTtlSeconds,
      apiBase: options.apiBase,
      fleet: tokenFleet({ store, cacheKey: options.cacheKey, namespace }),
    },
    options.upstream,
  );
  const api = createApiClient({ apiBase: options.apiBase, logger, ...(options.retryBaseMs === undefined ? {} : { retry: { baseMs: options.retryBaseMs } }) });

  const server = createServer();
  // Slow or idle clients must not hold a connection forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WhataloError('CONFIG_INVALID', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error })),
    );
    server.listen(options.port, options.host, () => resolve());
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
      async ready() {
        await discoverAuthorizationServer(issuer);
        return true;
      },
    }),
  );
  const url = `http://${hostPart}:${address.port}`;
  logger.info(`MCP resource server for ${options.publicUrl.href} listening on ${url}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    counts: () => tokens.counts(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
        server.closeIdleConnections();
      }).then(() => store?.close());
      return closing;
    },
  };
}
