/**
 * `whatalo-mcp serve --http`: the MCP resource server for HTTP clients (many merchants, one
 * process or many replicas). Flags win over the environment; the public URL is the canonical
 * resource URI and is never derived from request headers. Only the flag table is loaded with
 * `serve`; everything else loads when --http is given, so stdio start-up does not pay for it.
 */
import { WhataloError } from '../errors.js';
import type { LogLevel } from '../log.js';
import type { BrokerSource } from '../server/broker-source.js';
import type { EmbeddedSandbox } from './embedded.js';
import { type CommandContext, type ParseArgsOptionsConfig, stringFlag } from './command.js';

export const HTTP_OPTIONS = {
  http: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  upstream: { type: 'string' },
  'allowed-origins': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'grace-seconds': { type: 'string' },
  'test-no-auth': { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

export const HTTP_FLAGS_HELP = `  --http                serve MCP over Streamable HTTP as an OAuth resource server (stateless)
  --host ADDR           address to bind (WHATALO_HTTP_HOST; default 127.0.0.1)
  --port N              port (WHATALO_HTTP_PORT; default 8080)
  --public-url URL      the URL clients use, e.g. https://mcp.example/mcp (WHATALO_PUBLIC_URL; required)
  --allowed-hosts a,b   extra Host header values accepted (WHATALO_HTTP_ALLOWED_HOSTS)
  --allowed-origins a,b browser origins allowed to call (WHATALO_HTTP_ALLOWED_ORIGINS)
  --grace-seconds N     on SIGTERM, how long in-flight requests may finish before every connection is closed (WHATALO_HTTP_GRACE_SECONDS; default 10)
  --upstream MODE       exchange (default): RFC 8693 token for API v1; forward: send the client's token on (passthrough risk)
  --test-no-auth        with --http --sandbox only, for protocol test suites: no Bearer check at all (never in production)`;

function listOf(value: string | undefined): string[] {
  return value ? value.split(/[\s,]+/).filter(Boolean) : [];
}

function publicUrlOf(raw: string | undefined, isLoopbackHost: (hostname: string) => boolean): URL {
  if (!raw) throw new WhataloError('CONFIG_INVALID', '--public-url / WHATALO_PUBLIC_URL is required with --http: it is the resource URI tokens are issued for');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WhataloError('CONFIG_INVALID', `--public-url / WHATALO_PUBLIC_URL must be an absolute URL (got "${raw}")`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new WhataloError('CONFIG_INVALID', `--public-url / WHATALO_PUBLIC_URL must use https; plain http only on loopback (got "${raw}")`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new WhataloError('CONFIG_INVALID', `--public-url / WHATALO_PUBLIC_URL must not carry a query, fragment or credentials (got "${raw}")`);
  }
  return url;
}

export async function runHttp(ctx: CommandContext): Promise<number> {
  const [{ loadConfig, isLoopbackHost }, { createLogger }, { loadCatalog }, { selectTools }, { startHttpServer }] = await Promise.all([
    import('../config.js'),
    import('../log.js'),
    import('../tools/listing-file.js'),
    import('../tools/catalog.js'),
    import('../server/http/index.js'),
  ]);
  const flags = {
    issuer: stringFlag(ctx, 'issuer'),
    apiBase: stringFlag(ctx, 'api-base'),
    readOnly: ctx.values['read-only'] === true,
    toolsets: stringFlag(ctx, 'toolsets'),
  };
  const sandboxMode = ctx.values.sandbox === true;
  const noAuth = ctx.values['test-no-auth'] === true;
  if (noAuth && !sandboxMode)
    throw new WhataloError(
      'CONFIG_INVALID',
      '--test-no-auth turns authentication off and is only for protocol tests against the embedded sandbox: add --sandbox',
    );
  if (sandboxMode && (flags.issuer !== undefined || flags.apiBase !== undefined))
    throw new WhataloError('CONFIG_INVALID', '--sandbox runs its own authorization server and API; drop --issuer and --api-base');
  let config = loadConfig(ctx.env, flags);
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', format: 'json', write: (line) => ctx.stderr.write(line + '\n') });
  // Every setting is checked before anything starts: a mistake must not first start (and log) a sandbox.
  const portRaw = stringFlag(ctx, 'port') ?? ctx.env.WHATALO_HTTP_PORT ?? '8080';
  const port = Number(portRaw);
  if (!/^\d{1,5}$/.test(portRaw) || port > 65535) throw new WhataloError('CONFIG_INVALID', `--port / WHATALO_HTTP_PORT must be 0 to 65535 (got "${portRaw}")`);
  const graceRaw = stringFlag(ctx, 'grace-seconds') ?? ctx.env.WHATALO_HTTP_GRACE_SECONDS ?? '10';
  if (!/^\d{1,4}$/.test(graceRaw) || Number(graceRaw) > 3600)
    throw new WhataloError('CONFIG_INVALID', `--grace-seconds / WHATALO_HTTP_GRACE_SECONDS must be 0 to 3600 (got "${graceRaw}")`);
  const upstream = stringFlag(ctx, 'upstream') ?? ctx.env.WHATALO_UPSTREAM ?? 'exchange';
  if (upstream !== 'exchange' && upstream !== 'forward') throw new WhataloError('CONFIG_INVALID', `--upstream must be exchange or forward (got "${upstream}")`);
  const clientId = ctx.env.WHATALO_RS_CLIENT_ID;
  const clientSecret = ctx.env.WHATALO_RS_CLIENT_SECRET;
  if (Boolean(clientId) !== Boolean(clientSecret))
    throw new WhataloError(
      'CONFIG_INVALID',
      'set both WHATALO_RS_CLIENT_ID and WHATALO_RS_CLIENT_SECRET, or neither (then the server registers itself by DCR)',
    );
  const publicUrl = publicUrlOf(stringFlag(ctx, 'public-url') ?? ctx.env.WHATALO_PUBLIC_URL, isLoopbackHost);
  const embedded = sandboxMode ? await startSandboxFor(ctx, config.logLevel) : undefined;
  if (embedded) {
    config = loadConfig(ctx.env, { ...flags, issuer: embedded.sandbox.issuer, apiBase: embedded.sandbox.apiBase, credentialStore: 'memory' });
    logger.info(`sandbox running at ${embedded.sandbox.issuer}; signing in approves store ${embedded.sandbox.stores[0]?.id ?? '(none)'} by itself`);
  }
  const { entries } = await loadCatalog();
  const tools = selectTools(entries, { readOnly: config.readOnly, toolsets: config.toolsets });
  if (upstream === 'forward')
    logger.warn(
      '--upstream forward: inbound tokens are sent to API v1 as they are (token passthrough); only for an AS whose tokens for this server are valid at the API',
    );

  let unauthenticated: BrokerSource | undefined;
  if (noAuth && embedded) {
    // Loud on purpose: this process now answers anyone, as the sandbox's merchant.
    ctx.stderr.write(
      'WARNING: --test-no-auth: every request is served WITHOUT authentication, on a sandbox sign-in of this process. For protocol test suites only.\n',
    );
    const [{ brokerSource }, { initialScopes }] = await Promise.all([import('../server/broker-source.js'), import('../tools/catalog.js')]);
    unauthenticated = brokerSource(config, { logger, requestedScopes: initialScopes(tools), openBrowser: embedded.openBrowser });
  }

  // A server that cannot start (port taken, unreachable AS) must not leave the sandbox running behind it.
  const running = await startHttpServer({
    host: stringFlag(ctx, 'host') ?? ctx.env.WHATALO_HTTP_HOST ?? '127.0.0.1',
    port,
    publicUrl,
    issuer: config.issuer,
    apiBase: config.apiBase,
    // --resource / WHATALO_RESOURCE, else the API's origin: what the exchange asks for (R6).
    apiResource: config.apiResource,
    tools,
    logger,
    introspectionTtlSeconds: config.introspectionTtlSeconds,
    upstream,
    ...(clientId && clientSecret ? { credentials: { client_id: clientId, client_secret: clientSecret } } : {}),
    allowedHosts: listOf(stringFlag(ctx, 'allowed-hosts') ?? ctx.env.WHATALO_HTTP_ALLOWED_HOSTS),
    allowedOrigins: listOf(stringFlag(ctx, 'allowed-origins') ?? ctx.env.WHATALO_HTTP_ALLOWED_ORIGINS),
    ...(unauthenticated ? { unauthenticated } : {}),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...(config.cacheKey ? { cacheKey: config.cacheKey } : {}),
    rateLimits: config.rateLimits,
    trustProxyHops: config.trustProxyHops,
    timeouts: { graceMs: Number(graceRaw) * 1000 },
  }).catch(async (error: unknown) => {
    await unauthenticated?.close();
    await embedded?.sandbox.close();
    throw error;
  });
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish within the grace period, close every connection, exit 0.
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info(`shutting down: in-flight requests have ${graceRaw} s to finish`);
  await running.close();
  await unauthenticated?.close();
  await embedded?.sandbox.close();
  return 0;
}

async function startSandboxFor(ctx: CommandContext, level: LogLevel): Promise<EmbeddedSandbox> {
  const [{ startEmbeddedSandbox }, { createLogger }] = await Promise.all([import('./embedded.js'), import('../log.js')]);
  return startEmbeddedSandbox({ logger: createLogger({ level, name: 'sandbox', format: 'json', write: (line) => ctx.stderr.write(line + '\n') }) });
}
