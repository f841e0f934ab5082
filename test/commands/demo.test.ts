/**
 * `npm run demo` is the README's first command: it must work on a fresh machine with no
 * browser, and through the real consent page where there is one.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../../src/commands/demo.js';
import { CHROMIUM_BROWSER } from '../auth/kit.js';
import { runCli } from '../helpers/cli.js';

const demoDirs = () => new Set(readdirSync(os.tmpdir()).filter((name) => name.startsWith('whatalo-demo-')));

function expectWholeDemo(stdout: string) {
  expect(stdout).toMatch(/get_store → La Milpa Mercado \(str_\w+\), currency MXN/);
  expect(stdout).toMatch(/list_products \{limit: 5\}[^\n]*\n\s+id\s+name\s+price\s+status\n/);
  expect(stdout.match(/^\s+prd_\w+\s/gm)).toHaveLength(5);
  expect(stdout.match(/^\s+\d{4}\s{2}/gm)).toHaveLength(5);
  expect(stdout).toMatch(/refused: Whatalo access does not include the "write:orders" permission/);
  expect(stdout).toMatch(/"command": "npx",\s+"args": \[\s+"-y",\s+"whatalo-mcp"\s+\]/);
}

describe('whatalo-mcp demo', () => {
  it('with no browser: approves the demo store itself, says so, drives a real stdio server and prints the config entry', async () => {
    const before = demoDirs();
    const result = await runCli(['demo'], { env: { BROWSER: 'none' }, timeoutMs: 55_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No browser here: approving the demo store "La Milpa Mercado" \(str_\w+\) automatically/);
    expect(result.stdout).toMatch(/Connected to whatalo-mcp \d+\.\d+\.\d+: 17 tools\./);
    expectWholeDemo(result.stdout);
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

  const chromiumMissing = !existsSync('/usr/bin/chromium');
  it.skipIf(chromiumMissing && process.env.WHATALO_TEST_REQUIRE_CHROMIUM !== '1')(
    'with a browser: the merchant approves on the real consent page in headless chromium',
    async () => {
      const log = path.join(os.tmpdir(), `whatalo-demo-browser-${process.pid}.log`);
      const result = await runCli(['demo'], { env: { BROWSER: CHROMIUM_BROWSER, WHATALO_TEST_BROWSER_LOG: log }, timeoutMs: 58_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/approve access on the consent page that opens in your browser/);
      expect(result.stdout).not.toMatch(/No browser here/);
      expectWholeDemo(result.stdout);
    },
    60_000,
  );
});
