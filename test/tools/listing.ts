/**
 * tools/list as a host sees it, in-process: the real createServer, given the catalog made from
 * `tools` (what scripts/listing.mjs writes at build time), over the SDK's in-memory transport.
 * The access source throws, which also proves that listing never signs in.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { createApiClient } from '../../src/api/client.js';
import { silentLogger } from '../../src/log.js';
import { catalogOf } from '../../src/tools/listing.js';
import { createServer } from '../../src/server/server.js';
import type { ToolRecord } from '../../src/tools/define.js';

export async function listTools(tools: readonly ToolRecord[]): Promise<Tool[]> {
  const server = createServer({
    tools: catalogOf(tools),
    records: tools,
    api: createApiClient({ apiBase: new URL('http://127.0.0.1:9/api/v1') }),
    source: {
      ensureAccess: () => Promise.reject(new Error('tools/list must not need access')),
      invalidate: () => {},
    },
    logger: silentLogger,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'listing', version: '0' });
  await server.server.connect(serverSide);
  await client.connect(clientSide);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await server.close();
  }
}
