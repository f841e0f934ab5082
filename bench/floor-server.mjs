#!/usr/bin/env node
/**
 * The floor under figures 2 and 3: the least a server built on this SDK can do for
 * get_product — one McpServer tool that forwards to the same API with a token handed in by
 * the bench (BENCH_TOKEN, a sandbox token that lives only for the run). No broker, no
 * schema for the output, no error mapping. whatalo-mcp's overhead minus this server's is
 * what our own code costs; this server's overhead is the SDK and the stdio hop.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const { BENCH_API_BASE: apiBase, BENCH_TOKEN: token, BENCH_STORE_ID: storeId } = process.env;
if (!apiBase || !token || !storeId) {
  process.stderr.write('floor-server: BENCH_API_BASE, BENCH_TOKEN and BENCH_STORE_ID are required\n');
  process.exit(2);
}
const headers = { authorization: `Bearer ${token}`, 'x-whatalo-store-id': storeId, accept: 'application/json' };

const server = new McpServer({ name: 'bench-floor', version: '1.0.0' });
server.registerTool('get_product', { description: 'One product by id.', inputSchema: { product_id: z.string() } }, async ({ product_id }) => {
  const response = await fetch(`${apiBase}/products/${encodeURIComponent(product_id)}`, { headers });
  const body = await response.json();
  if (!response.ok) return { isError: true, content: [{ type: 'text', text: `${response.status} ${body.code}` }] };
  return { content: [{ type: 'text', text: JSON.stringify(body.data) }], structuredContent: { product: body.data } };
});
await server.connect(new StdioServerTransport());
