#!/usr/bin/env node
/**
 * The floor under the HTTP figures: the least a stateless Streamable HTTP server built on this
 * SDK can do for get_product — node:http, a fresh McpServer and transport per request (the
 * SDK's stateless pattern, JSON answers), the floor's one tool forwarding to the same API with
 * the bench's token (bench/lib/floor-tool.mjs). No auth, no introspection, no exchange, no Host or
 * Origin checks, no output schema. `serve --http` minus this is what our own HTTP path costs.
 */
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { floorEnv, registerGetProduct } from './lib/floor-tool.mjs';

const env = floorEnv('http-floor-server');

const http = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const server = new McpServer({ name: 'bench-http-floor', version: '1.0.0' });
  registerGetProduct(server, env);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString('utf8')));
});
http.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${http.address().port}/mcp\n`));
process.on('SIGTERM', () => http.close(() => process.exit(0)));
