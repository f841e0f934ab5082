/**
 * The one tool of both floor servers (stdio and HTTP): get_product forwarded to the API with
 * the token the bench hands in (BENCH_TOKEN, a sandbox token that lives only for the run). No
 * output schema, no error mapping: the least a server on this SDK can do for the call. It sends
 * over node:http like the product (bench/lib/request-json.mjs).
 */
import { z } from 'zod';
import { requestJson } from './request-json.mjs';

/** Reads BENCH_API_BASE, BENCH_TOKEN and BENCH_STORE_ID, or exits 2 naming them. */
export function floorEnv(name) {
  const { BENCH_API_BASE: apiBase, BENCH_TOKEN: token, BENCH_STORE_ID: storeId } = process.env;
  if (!apiBase || !token || !storeId) {
    process.stderr.write(`${name}: BENCH_API_BASE, BENCH_TOKEN and BENCH_STORE_ID are required\n`);
    process.exit(2);
  }
  return { apiBase, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
}

export function registerGetProduct(server, { apiBase, headers }) {
  server.registerTool('get_product', { description: 'One product by id.', inputSchema: { product_id: z.string() } }, async ({ product_id }) => {
    const { status, body } = await requestJson(`${apiBase}/products/${encodeURIComponent(product_id)}`, { headers });
    if (status !== 200) return { isError: true, content: [{ type: 'text', text: `${status} ${body.code}` }] };
    return { content: [{ type: 'text', text: JSON.stringify(body.data) }], structuredContent: { product: body.data } };
  });
}
