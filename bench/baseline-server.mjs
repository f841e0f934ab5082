#!/usr/bin/env node
/**
 * The baseline every startup and memory figure is divided by: a bare MCP SDK stdio server
 * with one trivial tool, built the way the SDK's own examples build one (McpServer +
 * StdioServerTransport + a zod input shape), importing the same SDK copy as whatalo-mcp.
 * It must stay this small: anything added here makes every ratio look better than it is.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bench-baseline', version: '1.0.0' });

server.registerTool(
  'echo',
  {
    description: 'Echoes the text it is given.',
    inputSchema: { text: z.string() },
  },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

await server.connect(new StdioServerTransport());
