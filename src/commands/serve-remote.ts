/**
 * `whatalo-mcp serve --remote URL` (or WHATALO_REMOTE_URL): a local stdio server for hosts
 * that only launch processes, relaying to a remote MCP server over Streamable HTTP and
 * signing in to it as an MCP client (src/remote/). stdout carries only the relayed protocol.
 */
import { WhataloError } from '../errors.js';
import { internalMs } from './internal-env.js';
import type { CommandContext } from './command.js';
import { stringFlag } from './command.js';

export const REMOTE_FLAGS_HELP = `  --remote URL          relay to this remote MCP server (Streamable HTTP) instead of calling API v1,
                        signing in to it as its metadata says (WHATALO_REMOTE_URL)`;

export async function runRemote(ctx: CommandContext): Promise<number> {
  const [
    { loadConfig },
    { createLogger },
    { createRemoteAuthorizer },
    { remoteFetch },
    { startRelay },
    { writableFlow },
    { lastSeenStore },
    { runStdio },
    { StreamableHTTPClientTransport },
  ] = await Promise.all([
    import('../config.js'),
    import('../log.js'),
    import('../remote/authorizer.js'),
    import('../remote/remote-fetch.js'),
    import('../remote/relay.js'),
    import('../remote/host-flow.js'),
    import('../remote/last-seen.js'),
    import('../server/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  // The remote server decides which tools exist, which AS signs in and what to ask for (its
  // challenge): the direct mode's choices would be silently ignored. `login --remote --scopes` asks for more up front.
  const directOnly = ['sandbox', 'read-only', 'toolsets', 'scopes', 'issuer', 'api-base'].filter((flag) => ctx.values[flag] !== undefined);
  if (directOnly.length > 0) {
    throw new WhataloError(
      'CONFIG_INVALID',
      `${directOnly.map((flag) => `--${flag}`).join(', ')} ${directOnly.length === 1 ? 'applies' : 'apply'} to the direct mode, not to --remote ` +
        '(the remote server decides its tools and its authorization server)',
    );
  }
  const config = loadConfig(ctx.env, { remote: stringFlag(ctx, 'remote') });
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', write: (line) => ctx.stderr.write(line + '\n') });
  const server = config.remoteUrl!;
  const authorizer = createRemoteAuthorizer(config, server, { logger, onProgress: (message) => logger.info(message) });
  const timeoutMs = internalMs(ctx.env, 'WHATALO_REMOTE_TIMEOUT_MS', 1);
  // stdout is the host: what it has not read yet holds the remote back.
  const hostFlow = writableFlow(process.stdout);
  const fetchRemote = remoteFetch({
    authorizer,
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
    hostReady: hostFlow.ready,
    onCapped: (reason) => logger.warn(reason),
  });
  logger.info(`relaying to the MCP server at ${server.href}`);
  let relay: { close(): Promise<void> } | undefined;
  await runStdio(
    async (host) => {
      relay = await startRelay({
        host,
        connectRemote: () => new StreamableHTTPClientTransport(server, { fetch: fetchRemote }),
        logger,
        server,
        hostFlow,
        lastSeen: lastSeenStore(config.configDir, server, logger),
        retryFirstMs: internalMs(ctx.env, 'WHATALO_REMOTE_RETRY_MS', 1),
      });
    },
    { signal: ctx.signal, logger },
  );
  await relay?.close();
  return 0;
}
