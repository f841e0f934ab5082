/**
 * The stdio entry: the protocol on stdin/stdout, until the host closes stdin or the process
 * is told to stop. stdout carries only JSON-RPC; everything human goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '../log.js';

/** Serves `server` over this process's stdio; resolves once the connection is over. */
export async function serveStdio(server: Server, options: { signal: AbortSignal; logger: Logger }): Promise<void> {
  const transport = new StdioServerTransport(process.stdin, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    // The SDK's transport does not notice EOF: a host that closes our stdin means "stop".
    process.stdin.once('end', () => void transport.close());
    process.stdin.once('close', () => void transport.close());
    options.signal.addEventListener('abort', () => void transport.close(), { once: true });
  });
  // The SDK drops a line that is not a valid JSON-RPC message (it cannot know which request to
  // answer) and reports it here with the whole validation dump; one short line is enough.
  transport.onerror = (error) => {
    const reason = error.message.replace(/\s+/g, ' ');
    options.logger.warn(`ignored a stdin line that is not a valid MCP message: ${reason.length > 160 ? reason.slice(0, 160) + '…' : reason}`);
  };
  await server.connect(transport);
  if (options.signal.aborted) await transport.close();
  await closed;
}
