#!/usr/bin/env node
/**
 * The client the MCP conformance suite launches (`conformance client --command ...`): it runs
 * `whatalo-mcp serve --remote <server-url>` as a desktop host would, and speaks MCP to it over
 * stdio with the SDK's own client: initialize, tools/list, then tools/call of the first tool
 * (with a plain value for each argument its schema declares).
 * Everything the suite checks (discovery, registration, authorization, token requests, scope
 * choice, step-up) is what serve --remote does on the way.
 *
 *   node scripts/conformance-client.mjs <server-url>
 *
 * The suite appends the server URL and sets MCP_CONFORMANCE_SCENARIO; MCP_CONFORMANCE_CONTEXT
 * carries a pre-registered client's client_id and client_secret where a scenario has one.
 * Each run gets a throwaway config dir and an encrypted file credential store (never the
 * keychain), and a BROWSER that follows the authorization URL's redirects to the loopback
 * callback (the suite's AS approves at once). Exit 0 when every step succeeded; 1 otherwise,
 * with the reason on stderr (the suite shows it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Under the suite's own 30 s limit per scenario, so a hang is reported here with its step. */
const REQUEST_TIMEOUT_MS = 20_000;
/** Longer than the sse-retry scenario's `retry` (500 ms) and its lateness tolerance (200 ms). */
const SSE_RETRY_LINGER_MS = 1_500;

const serverUrl = process.argv.at(-1);
if (!serverUrl || !/^https?:\/\//.test(serverUrl)) {
  console.error('usage: node scripts/conformance-client.mjs <server-url>');
  process.exit(2);
}

/**
 * The Client ID Metadata Document URL the suite's CIMD scenario expects as the client_id (it
 * does not fetch it); the scenario passes it in no variable, so it is named here.
 */
const CIMD_SCENARIO_URL = 'https://conformance-test.local/client-metadata.json';

/** A pre-registered client, when the scenario gives one. */
function preRegistered() {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return {};
  const context = JSON.parse(raw);
  return typeof context.client_id === 'string'
    ? { WHATALO_CLIENT_ID: context.client_id, ...(typeof context.client_secret === 'string' ? { WHATALO_CLIENT_SECRET: context.client_secret } : {}) }
    : {};
}

/** Arguments that fit a tool's input schema: one plain value per declared property. */
function argumentsFor(schema) {
  const sample = { number: 1, integer: 1, string: 'conformance', boolean: true };
  const properties = schema?.properties ?? {};
  return Object.fromEntries(Object.entries(properties).flatMap(([name, p]) => (p?.type in sample ? [[name, sample[p.type]]] : [])));
}

const configDir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-conformance-'));
const transport = new StdioClientTransport({
  // The project's Node (this process's), whatever `node` the suite's PATH finds first.
  command: process.execPath,
  args: [path.join(repo, 'dist/cli.js'), 'serve', '--remote', serverUrl],
  env: {
    PATH: process.env.PATH ?? '',
    HOME: configDir,
    LANG: 'C.UTF-8',
    WHATALO_CONFIG_DIR: configDir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'conformance run passphrase, thrown away with the run',
    WHATALO_LOG_LEVEL: 'debug',
    WHATALO_LOGIN_TIMEOUT: '20',
    BROWSER: `${process.execPath} ${path.join(repo, 'test/fixtures/browser-fetch.mjs')}`,
    ...preRegistered(),
    ...(process.env.MCP_CONFORMANCE_SCENARIO === 'auth/basic-cimd' ? { WHATALO_CLIENT_METADATA_URL: CIMD_SCENARIO_URL } : {}),
  },
  stderr: 'inherit',
});
const client = new Client({ name: 'whatalo-conformance-driver', version: '1.0.0' });

let step = 'initialize';
let failed = false;
try {
  await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  step = 'tools/list';
  const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
  if (tools.length > 0) {
    step = `tools/call ${tools[0].name}`;
    const result = await client.callTool({ name: tools[0].name, arguments: argumentsFor(tools[0].inputSchema) }, undefined, { timeout: REQUEST_TIMEOUT_MS });
    if (result.isError) throw new Error(result.content.map((c) => c.text ?? '').join(' '));
  }
  if (process.env.MCP_CONFORMANCE_SCENARIO === 'sse-retry') {
    // That scenario answers the call on another stream, then checks the reconnection of the
    // stream it closed, which the transport makes `retry` ms later, after the call returned: a
    // host stays connected that long, so does the driver.
    await new Promise((resolve) => setTimeout(resolve, SSE_RETRY_LINGER_MS));
  }
  console.error(`conformance driver (${process.env.MCP_CONFORMANCE_SCENARIO ?? 'no scenario'}): initialize, tools/list and tools/call succeeded`);
} catch (error) {
  failed = true;
  console.error(
    `conformance driver (${process.env.MCP_CONFORMANCE_SCENARIO ?? 'no scenario'}): ${step} failed: ${error instanceof Error ? error.message : error}`,
  );
} finally {
  await client.close().catch(() => {});
  await rm(configDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
