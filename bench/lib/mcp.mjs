/**
 * Drives a stdio MCP server the way a desktop host does: the SDK's Client over its
 * StdioClientTransport, which spawns the server. Timings are taken around the SDK calls,
 * so both the server under test and the baseline pay the same client-side costs.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { onCleanup, rssOf } from './proc.mjs';

/**
 * Spawns a server, answers initialize, then tools/list; returns the live session with
 * the times (ms from spawn) and RSS readings taken on the way.
 * tools/list goes through `client.request` rather than `client.listTools` so the client's
 * own output-schema compilation (a host cost, not the server's) stays out of the figure.
 */
export async function openSession({ command, args, env, cwd, name }) {
  const transport = new StdioClientTransport({ command, args, env, cwd, stderr: 'pipe' });
  let stderr = '';
  const client = new Client({ name: 'whatalo-mcp-bench', version: '1.0.0' });
  const t0 = performance.now();
  const connecting = client.connect(transport);
  // stderr must be drained or a chatty server blocks; keep the tail for error messages.
  transport.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // The SDK's close ends stdin, then SIGTERM, then SIGKILL, 2 s apart: nothing outlives it.
  const close = onCleanup(() => client.close().catch(() => {}));
  try {
    await connecting;
  } catch (error) {
    await close();
    throw new Error(`${name}: initialize failed: ${error.message}\n${stderr}`);
  }
  const initMs = performance.now() - t0;
  const pid = transport.pid;
  const rssAfterInit = rssOf(pid);
  let list;
  try {
    list = await client.request({ method: 'tools/list' }, ListToolsResultSchema);
  } catch (error) {
    await close();
    throw new Error(`${name}: tools/list failed: ${error.message}\n${stderr}`);
  }
  const listMs = performance.now() - t0;
  return {
    client,
    pid,
    initMs,
    listMs,
    rssAfterInit,
    tools: list.tools,
    listResult: list,
    stderrTail: () => stderr,
    close,
  };
}

/** One tools/call; throws when the tool answered isError, so a broken call never counts as fast. */
export async function callTool(session, name, args) {
  const result = await session.client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, { timeout: 120_000 });
  if (result.isError) {
    const text = result.content?.map((c) => c.text ?? '').join(' ');
    throw new Error(`${name} answered isError: ${text}`);
  }
  return result;
}

/** Runs `total` calls of `fn` with `concurrency` in flight; resolves with elapsed ms. */
export async function pool(total, concurrency, fn) {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - t0;
}
