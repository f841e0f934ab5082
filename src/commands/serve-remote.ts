/**
 * `whatalo-mcp serve --remote URL` (or WHATALO_REMOTE_URL): a local stdio server for hosts
 * that only launch processes, relaying to a remote MCP server over Streamable HTTP and
 * signing in to it as an MCP client (src/remote/). stdout carries only the relayed protocol.
 */
import type { CommandContext } from './command.js';
import { stringFlag } from './command.js';

export const REMOTE_FLAGS_HELP = `  --remote URL          relay to this remote MCP server (Streamable HTTP) instead of calling API v1,
                        signing in to it as its metadata says (WHATALO_REMOTE_URL)`;

export async function runRemote(ctx: CommandContext): Promise<number> {
  const [{ loadConfig }, { createLogger }, { createRemoteAuthorizer }, { remoteFetch }, { startRelay }, { runStdio }, { StreamableHTTPClientTransport }] =
    await Promise.all([
      import('../config.js'),
      import('../log.js'),
      import('../remote/authorizer.js'),
      import('../remote/remote-fetch.js'),
      import('../remote/relay.js'),
      import('../server/stdio.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
  const config = loadConfig(ctx.env, { remote: stringFlag(ctx, 'remote') });
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', write: (line) => ctx.stderr.write(line + '\n') });
  const server = config.remoteUrl!;
  const authorizer = createRemoteAuthorizer(config, server, { logger, onProgress: (message) => logger.info(message) });
  const remote = new StreamableHTTPClientTransport(server, { fetch: remoteFetch({ authorizer }) });
  logger.info(`relaying to the MCP server at ${server.href}`);
  let relay: { close(): Promise<void> } | undefined;
  await runStdio(
    async (host) => {
      relay = await startRelay({ host, remote, logger });
    },
    { signal: ctx.signal, logger },
  );
  await relay?.close();
  return 0;
}
