/**
 * `npm run demo` is the README's first command: it must work on a fresh machine with no
 * browser, and through the real consent page where there is one.
 */
import { CHROMIUM, itWith } from '../helpers/requirements.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../../src/commands/demo.js';
import { CHROMIUM_BROWSER } from '../auth/kit.js';
import { runCli } from '../helpers/cli.js';

// The demo's throwaway dirs go to this run's own TMPDIR, so another run's demo in the shared /tmp cannot be counted as ours.
const privateTmp = mkdtempSync(path.join(os.tmpdir(), 'whatalo-demotest-'));
afterAll(() => rmSync(privateTmp, { recursive: true, force: true }));
const demoDirs = () => new Set(readdirSync(privateTmp).filter((name) => name.startsWith('whatalo-demo-')));

function expectWholeDemo(stdout: string) {
  expect(stdout).toMatch(/get_store → La Milpa Mercado \(str_\w+\), currency MXN/);
  expect(stdout).toMatch(/list_products \{limit: 5\}[^\n]*\n\s+id\s+name\s+price\s+status\n/);
  expect(stdout.match(/^\s+prd_\w+\s/gm)).toHaveLength(5);
  expect(stdout.match(/^\s+\d{4}\s{2}/gm)).toHaveLength(5);
  expect(stdout).toMatch(/asked Whatalo for "write:orders": a real host would now\n\s+open the consent page for it/);
  expect(stdout).not.toMatch(/was not completed within/);
}

/** The claude_desktop_config.json entry the demo printed: the JSON block that starts a line with `{`. */
function printedEntry(stdout: string): { command: string; args: string[] } {
  const block = /^\{\n[\s\S]*?\n\}$/m.exec(stdout);
  expect(block, stdout).not.toBeNull();
  return JSON.parse(block![0]).mcpServers.whatalo;
}

/** Launches `entry` as a desktop host does, from `/` with next to no environment, and lists its tools. */
async function listToolsAsHost(entry: { command: string; args: string[] }): Promise<string[]> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'whatalo-host-'));
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, cwd: '/', env: { HOME: home }, stderr: 'pipe' });
  const client = new Client({ name: 'host', version: '0' });
  try {
    await client.connect(transport);
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  }
}

describe('whatalo-mcp demo', () => {
  it('with no browser: approves the demo store itself, says so, drives a real stdio server and prints the config entry', async () => {
    const before = demoDirs();
    const result = await runCli(['demo'], { env: { BROWSER: 'none', TMPDIR: privateTmp }, timeoutMs: 55_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No browser here: approving the demo store "La Milpa Mercado" \(str_\w+\) automatically/);
    expect(result.stdout).toMatch(/Connected to whatalo-mcp \d+\.\d+\.\d+: 17 tools\./);
    expectWholeDemo(result.stdout);
    // The entry it prints works as printed: absolute paths, launched from / with a bare env.
    const entry = printedEntry(result.stdout);
    expect(path.isAbsolute(entry.command)).toBe(true);
    expect(path.isAbsolute(entry.args[0]!)).toBe(true);
    expect(await listToolsAsHost(entry)).toHaveLength(17);
    // The throwaway config dir (the encrypted grant) is gone.
    expect([...demoDirs()].filter((d) => !before.has(d))).toEqual([]);
  }, 60_000);

  it('detects whether a person could be shown a browser', () => {
    expect(browserAvailable({ BROWSER: 'none', DISPLAY: ':0' }, 'linux')).toBe(false);
    expect(browserAvailable({ BROWSER: 'firefox' }, 'linux')).toBe(true);
    expect(browserAvailable({}, 'linux')).toBe(false);
    expect(browserAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(browserAvailable({}, 'darwin')).toBe(true);
  });

  itWith(
    CHROMIUM,
    'with a browser: the merchant approves on the real consent page in headless chromium',
    async () => {
      const log = path.join(privateTmp, 'browser.log');
      const result = await runCli(['demo'], { env: { BROWSER: CHROMIUM_BROWSER, WHATALO_TEST_BROWSER_LOG: log, TMPDIR: privateTmp }, timeoutMs: 58_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/approve access on the consent page that opens in your browser/);
      expect(result.stdout).not.toMatch(/No browser here/);
      expectWholeDemo(result.stdout);
    },
    60_000,
  );
});
