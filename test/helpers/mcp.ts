/**
 * The real stdio server as a host runs it: `node dist/cli.js serve …` spawned through the
 * SDK's StdioClientTransport with an explicit environment (nothing inherited that could reach
 * the real keychain, a real browser or the real Whatalo), connected with the SDK's Client.
 * It runs the bundle, as packed: build first (`npm run build`). Always `await close()` in
 * afterEach/afterAll.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TestSandbox } from './sandbox.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI_PATH = path.resolve(here, '../../dist/cli.js');

/** BROWSER for tests: a stand-in that follows the sandbox's auto-approve redirects to the loopback. */
export const FETCH_BROWSER = `${process.execPath} ${path.resolve(here, '../fixtures/browser-fetch.mjs')}`;

export interface McpOptions {
  /** Flags after `serve`. */
  args?: string[];
  /** Added to the minimal environment; undefined deletes a default. */
  env?: Record<string, string | undefined>;
  /** Client capabilities (e.g. elicitation) and the client itself, before connecting. */
  clientOptions?: ClientOptions;
  setup?: (client: Client) => void;
  /** Sees each chunk of the server's stderr as it comes, before the session is connected too. */
  onStderr?: (chunk: string) => void;
  /** Reuse this config dir (e.g. a file credential store shared by two processes); it is then not removed on close. */
  configDir?: string;
}

export interface McpSession {
  client: Client;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  configDir: string;
  /** Calls a tool; returns the result (the SDK Client already checks structuredContent against outputSchema once tools/list ran). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Env pointing the server at `sandbox`, with a memory credential store and the fetch browser. */
export function sandboxEnv(sandbox: TestSandbox, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { WHATALO_ISSUER: sandbox.issuer, WHATALO_API_BASE: sandbox.apiBase, BROWSER: FETCH_BROWSER, ...extra };
}

export async function startMcp(options: McpOptions = {}): Promise<McpSession> {
  const owned = options.configDir === undefined;
  const configDir = options.configDir ?? (await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-test-')));
  const cleanup = () => (owned ? rm(configDir, { recursive: true, force: true }) : Promise.resolve());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: configDir,
    LANG: 'C.UTF-8',
    BROWSER: 'none',
    WHATALO_CREDENTIAL_STORE: 'memory',
    WHATALO_CONFIG_DIR: configDir,
    WHATALO_API_RETRY_BASE_MS: '5',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'serve', ...(options.args ?? [])], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    options.onStderr?.(chunk.toString('utf8'));
  });
  const client = new Client({ name: 'whatalo-mcp-test', version: '0.0.0' }, options.clientOptions);
  options.setup?.(client);
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close().catch(() => {});
    await cleanup();
    throw new Error(`the server did not start: ${String(error)}\n${stderr}`);
  }
  return {
    client,
    stderr: () => stderr,
    configDir,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 50_000 })) as CallToolResult,
    async close() {
      await client.close().catch(() => {});
      await cleanup();
    },
  };
}

/** The text of a result's content. */
export function textOf(result: CallToolResult): string {
  return result.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
}
