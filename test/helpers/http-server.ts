/** `serve --http` in-process for a test, on a free loopback port, against a test sandbox. */
import { createLogger } from '../../src/log.js';
import { type HttpServeOptions, type RunningHttpServer, startHttpServer } from '../../src/server/http/index.js';
import { loadCatalog } from '../../src/tools/listing-file.js';
import { freePort } from './ports.js';
import type { TestSandbox } from './sandbox.js';

export async function startTestHttpServer(
  sb: TestSandbox,
  options: Partial<HttpServeOptions> & { log?: (line: string) => void } = {},
): Promise<{ server: RunningHttpServer; publicUrl: URL }> {
  const port = await freePort();
  const publicUrl = new URL(`http://127.0.0.1:${port}/mcp`);
  const { log, ...rest } = options;
  const server = await startHttpServer({
    host: '127.0.0.1',
    port,
    publicUrl,
    issuer: new URL(sb.issuer),
    apiBase: new URL(sb.apiBase),
    tools: (await loadCatalog()).entries,
    logger: createLogger({ level: 'debug', format: 'json', write: log ?? (() => {}) }),
    introspectionTtlSeconds: 60,
    upstream: 'exchange',
    retryBaseMs: 1,
    ...rest,
  });
  return { server, publicUrl };
}
