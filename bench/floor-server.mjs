#!/usr/bin/env node
/**
 * The floor under figures 2 and 3: the least a server built on this SDK can do for
 * get_product — one McpServer tool that forwards to the same API with a token handed in by
 * the bench (bench/lib/floor-tool.mjs). No broker, no schema for the output, no error
 * mapping. whatalo-mcp's overhead minus this server's is what our own code costs; this
 * server's overhead is the SDK and the stdio hop.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { floorEnv, registerGetProduct } from './lib/floor-tool.mjs';

const env = floorEnv('floor-server');
const server = new McpServer({ name: 'bench-floor', version: '1.0.0' });
registerGetProduct(server, env);
await server.connect(new StdioServerTransport());
