/**
 * `whatalo-mcp serve` (the default): the MCP server over stdio, as a desktop host runs it.
 *
 * Also home of `openSession`, the one wiring of config, tools, API client, broker and
 * (with --sandbox) the embedded sandbox, which `call` reuses so a scripted call takes the
 * same path as a host's. Every import that costs start-up time is loaded inside run(): the
 * host's `initialize` must not wait for code that only a tool call needs.
 */
import { WhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Config } from '../config.js';
import type { CatalogEntry } from '../tools/catalog.js';
import type { WhataloServer } from '../server/server.js';
import { HTTP_FLAGS_HELP, HTTP_OPTIONS } from './serve-http.js';
import { REMOTE_FLAGS_HELP } from './serve-remote.js';
import { internalMs } from './internal-env.js';
import { CONNECTION_OPTIONS, type Command, type CommandContext, type ParseArgsOptionsConfig, SCOPES_HELP, stringFlag } from './command.js';

export const SERVE_OPTIONS = {
  ...CONNECTION_OPTIONS,
  'read-only': { type: 'boolean' },
  toolsets: { type: 'string' },
  scopes: { type: 'string' },
  sandbox: { type: 'boolean' },
  remote: { type: 'string' },
  ...HTTP_OPTIONS,
} as const satisfies ParseArgsOptionsConfig;

export const SERVE_FLAGS_HELP = `  --read-only           only tools that read (and only read scopes at sign-in)
  --toolsets a,b        only these groups: store, products, categories, inventory, customers, orders
${SCOPES_HELP}
  --sandbox             run a local fake Whatalo (authorization server and API) inside this process
                        and use it: nothing to set up, nothing stored, sign-in approves its first
                        store by itself. With --http, the HTTP clients sign in to it too.
  --issuer URL          the Whatalo authorization server (default https://app.whatalo.com)
  --api-base URL        API v1 base (default https://api.whatalo.com/v1)`;

export interface Session {
  config: Config;
  logger: Logger;
  tools: CatalogEntry[];
  server: WhataloServer;
  close(): Promise<void>;
}

/**
 * Config, tools, API client, the broker-backed access source and the MCP server, wired once.
 * With --sandbox the sandbox starts first and its issuer, API base and a memory-only
 * credential store replace the configured ones.
 */
export interface SessionOptions {
  /**
   * Log each distinct credential-store problem once on stderr. A host shows the reason only in
   * a tool result, which a person setting it up may never see; `call` prints the error itself.
   */
  logStoreProblems?: boolean;
}

export async function openSession(ctx: CommandContext, options: SessionOptions = {}): Promise<Session> {
  const [
    { loadConfig },
    { createLogger },
    { loadCatalog },
    { selectTools, initialScopes, requiredScopes },
    { createServer },
    { brokerSource },
    { createApiClient },
  ] = await Promise.all([
    import('../config.js'),
    import('../log.js'),
    // The tools as listed, from the build; their records load on the first call.
    import('../tools/listing-file.js'),
    import('../tools/catalog.js'),
    import('../server/server.js'),
    import('../server/broker-source.js'),
    import('../api/client.js'),
  ]);

  const sandboxMode = ctx.values.sandbox === true;
  const flags = {
    issuer: stringFlag(ctx, 'issuer'),
    apiBase: stringFlag(ctx, 'api-base'),
    readOnly: ctx.values['read-only'] === true,
    toolsets: stringFlag(ctx, 'toolsets'),
    scopes: stringFlag(ctx, 'scopes'),
  };
  if (sandboxMode && (flags.issuer !== undefined || flags.apiBase !== undefined)) {
    throw new WhataloError('CONFIG_INVALID', '--sandbox runs its own authorization server and API; drop --issuer and --api-base');
  }
  let config = loadConfig(ctx.env, flags);
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', write: (line) => ctx.stderr.write(line + '\n') });
  const catalog = await loadCatalog();
  if (catalog.from === 'records')
    logger.debug('dist/tools/listing.json is missing or older than the build (run `npm run build`); listing from the tool records');
  const tools = selectTools(catalog.entries, { readOnly: config.readOnly, toolsets: config.toolsets });

  let sandbox: { close(): Promise<void> } | undefined;
  let openBrowser: ((url: string) => Promise<void>) | undefined;
  if (sandboxMode) {
    const { startEmbeddedSandbox } = await import('./embedded.js');
    const embedded = await startEmbeddedSandbox({
      logger: createLogger({ level: config.logLevel, name: 'sandbox', write: (line) => ctx.stderr.write(line + '\n') }),
    });
    sandbox = embedded.sandbox;
    // The sandbox approves by itself, so this process plays the merchant's browser too.
    openBrowser = embedded.openBrowser;
    config = loadConfig(ctx.env, { ...flags, issuer: embedded.sandbox.issuer, apiBase: embedded.sandbox.apiBase, credentialStore: 'memory' });
    logger.info(`sandbox running at ${embedded.sandbox.issuer}; signing in approves store ${embedded.sandbox.stores[0]?.id ?? '(none)'} by itself`);
  }

  const requestedScopes = initialScopes(tools);
  const retryBase = internalMs(ctx.env, 'WHATALO_API_RETRY_BASE_MS');
  const timeoutMs = internalMs(ctx.env, 'WHATALO_API_TIMEOUT_MS');
  const api = createApiClient({
    apiBase: config.apiBase,
    logger,
    ...(retryBase === undefined ? {} : { retry: { baseMs: retryBase } }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const source = brokerSource(config, {
    logger,
    requestedScopes,
    // The registered scope is Whatalo's ceiling for every later step-up (CONTRACT AC4).
    registeredScopes: requiredScopes(tools),
    ...(openBrowser ? { openBrowser } : {}),
    ...(options.logStoreProblems ? { onStoreProblem: onceEach((error) => logger.warn(`credential store: ${error.toUserText()}`)) } : {}),
  });
  const server = createServer({ tools, source, api, logger, confirmWrites: config.confirmWrites, signInTimeoutMs: config.loginTimeoutSeconds * 1000 });

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    tools,
    server,
    close() {
      closing ??= (async () => {
        await server.close().catch((error: unknown) => logger.debug('closing the MCP server failed', { error }));
        await source.close().catch((error: unknown) => logger.debug('closing the broker failed', { error }));
        await sandbox?.close();
      })();
      return closing;
    },
  };
}

/** Runs `report` for the first occurrence of each distinct message, up to a few, so a failing store cannot flood the log. */
function onceEach(report: (error: WhataloError) => void): (error: WhataloError) => void {
  const seen = new Set<string>();
  return (error) => {
    if (seen.has(error.message) || seen.size >= 10) return;
    seen.add(error.message);
    report(error);
  };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve MCP over stdio (what a desktop app runs; the default command)',
  usage: `whatalo-mcp [serve] [flags]

${SERVE_FLAGS_HELP}
${REMOTE_FLAGS_HELP}
${HTTP_FLAGS_HELP}

stdout carries the MCP protocol; logs go to stderr (WHATALO_LOG_LEVEL). Sign-in happens on the
first tool call, in the browser (BROWSER=none prints the URL instead).`,
  options: SERVE_OPTIONS,
  async run(ctx) {
    if (ctx.values.http === true) return (await import('./serve-http.js')).runHttp(ctx);
    if (ctx.values['test-no-auth'] === true) throw new WhataloError('CONFIG_INVALID', '--test-no-auth applies to --http --sandbox only');
    if (ctx.values.remote !== undefined || (ctx.env.WHATALO_REMOTE_URL ?? '') !== '') {
      return (await import('./serve-remote.js')).runRemote(ctx);
    }
    // The transport loads while the session is wired, not after it: start-up time is what a host waits for.
    const stdio = import('../server/stdio.js');
    stdio.catch(() => {}); // a failure surfaces at the await below, or not at all if openSession throws
    const session = await openSession(ctx, { logStoreProblems: true });
    const { serveStdio } = await stdio;
    try {
      await serveStdio(session.server.server, { signal: ctx.signal, logger: session.logger });
    } finally {
      await session.close();
    }
    return 0;
  },
};
