import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presentAuthorizationUrl } from '../../src/auth/browser.js';
import { createLogger } from '../../src/log.js';
import { assertBuilt, distUrl, root, runNode } from './child.js';

const recorder = path.join(root, 'test/fixtures/record-url.mjs');
const fakeBrowser = path.join(root, 'test/fixtures/fake-browser.mjs');
// A realistic authorization URL: the S256 code_challenge and state are 43 base64url
// characters, the shape the logger masks as a token, so the URL must bypass the logger.
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const state = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const url =
  `http://127.0.0.1:4444/oauth/authorize?response_type=code&client_id=cl_1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback` +
  `&code_challenge=${challenge}&code_challenge_method=S256&state=${state}&scope=read%3Astore`;

let dir: string;
let record: string;
let printed: string[];
let logged: string[];
const logger = createLogger({ write: (line) => logged.push(line) });
const write = (line: string) => printed.push(line);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'whatalo-browser-'));
  record = path.join(dir, 'launches.jsonl');
  printed = [];
  logged = [];
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Waits until the detached recorder has written `count` launches, then returns them all. */
async function launches(count: number): Promise<string[][]> {
  for (let i = 0; i < 200 && !(existsSync(record) && (await lines()).length >= count); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return lines();
}
async function lines(): Promise<string[][]> {
  if (!existsSync(record)) return [];
  return (await fs.readFile(record, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
}

describe('presentAuthorizationUrl', () => {
  it('prints the URL unredacted and runs BROWSER once with the URL as its last argument', async () => {
    const how = await presentAuthorizationUrl(url, { browser: `node ${recorder} ${record}`, logger, write });
    expect(how).toBe('opened');
    expect(printed.join('\n')).toContain(url);
    expect(await launches(1)).toEqual([[url]]);
  });

  it('splits BROWSER on spaces and keeps its own arguments before the URL, one launch per call', async () => {
    await presentAuthorizationUrl(url, { browser: `node  ${recorder} ${record} --new-window`, logger, write });
    await presentAuthorizationUrl(url + '&n=2', { browser: `node ${recorder} ${record} --new-window`, logger, write });
    // Two detached launches may finish in either order.
    expect((await launches(2)).sort((a, b) => a[1]!.length - b[1]!.length)).toEqual([
      ['--new-window', url],
      ['--new-window', url + '&n=2'],
    ]);
  });

  it('passes the URL as one argument, never through a shell', async () => {
    const marker = path.join(dir, 'pwned');
    const nasty = `${url}&x=';touch ${marker};'$(touch ${marker})\`touch ${marker}\` a b`;
    await presentAuthorizationUrl(nasty, { browser: `node ${recorder} ${record}`, logger, write });
    expect(await launches(1)).toEqual([[nasty]]);
    expect(existsSync(marker)).toBe(false);
  });

  it('only prints with BROWSER=none', async () => {
    expect(await presentAuthorizationUrl(url, { browser: 'none', logger, write })).toBe('printed');
    expect(printed.join('\n')).toContain(url);
    expect(existsSync(record)).toBe(false);
  });

  it('falls back to printing, without throwing, when BROWSER cannot be run', async () => {
    const how = await presentAuthorizationUrl(url, { browser: path.join(dir, 'no-such-browser'), logger, write });
    expect(how).toBe('printed');
    expect(printed.join('\n')).toContain(url);
    expect(logged.join('\n')).toMatch(/Could not open .*no-such-browser.*open the URL above yourself/);
  });

  it('says the browser did not open, and prints the URL again last, when the launcher exits 3 (no browser found)', async () => {
    const how = await presentAuthorizationUrl(url, { browser: `node ${fakeBrowser} ${record} 3`, logger, write });
    expect(how).toBe('printed');
    expect(await launches(1)).toEqual([[url]]);
    expect(logged.join('\n')).toMatch(/Could not open .*fake-browser.* \(its launcher exited with status 3\)/);
    const shown = printed.join('\n');
    expect(shown).toMatch(/The browser did not open\. Open this URL yourself/);
    expect(shown.split(url)).toHaveLength(3);
    expect(shown.trimEnd().endsWith(url)).toBe(true);
  });

  it('trusts a launcher that exits 0 or is still running when the watch ends, without waiting for it', async () => {
    expect(await presentAuthorizationUrl(url, { browser: `node ${fakeBrowser} ${record} 0`, logger, write })).toBe('opened');
    const started = Date.now();
    const how = await presentAuthorizationUrl(url, { browser: `node ${fakeBrowser} ${record} stay:4000`, logger, write, watchMs: 500 });
    expect(how).toBe('opened');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await launches(2)).toEqual([[url], [url]]);
    expect(printed.join('\n')).not.toContain('did not open');
    expect(logged).toEqual([]);
  });

  it('keeps the browser off stdout and prints the URL on stderr (real process)', async () => {
    assertBuilt(['auth/browser']);
    const script = `
      const { presentAuthorizationUrl } = await import(${JSON.stringify(distUrl('auth/browser'))});
      const { silentLogger } = await import(${JSON.stringify(distUrl('log'))});
      await presentAuthorizationUrl(process.env.URL, { browser: process.env.CMD, logger: silentLogger });
    `;
    const result = await runNode(script, { URL: url, CMD: `node ${recorder} ${record}` });
    expect(result.code).toBe(0);
    expect(await launches(1)).toEqual([[url]]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(url);
    expect(result.stderr).not.toContain('LEAK');
  });

  // Elsewhere the system opener is a real browser launcher (macOS `open`, Windows, WSL): never run it there.
  const plainLinux = process.platform === 'linux' && !/microsoft/i.test(readFileSync('/proc/version', 'utf8'));
  it.runIf(plainLinux)('with BROWSER unset, opens through the system opener (here xdg-open, pointed at the recorder) without crashing', async () => {
    assertBuilt(['auth/browser']);
    const script = `
      const { presentAuthorizationUrl } = await import(${JSON.stringify(distUrl('auth/browser'))});
      const { silentLogger } = await import(${JSON.stringify(distUrl('log'))});
      const how = await presentAuthorizationUrl(process.env.URL, { browser: undefined, logger: silentLogger });
      process.stderr.write('RESULT ' + how + '\\n');
    `;
    // xdg-open with no desktop session in its environment (clean env: no DISPLAY, no
    // XDG_CURRENT_DESKTOP, no session bus) hands the URL to $BROWSER: our recorder.
    const result = await runNode(script, { URL: url, BROWSER: `node ${recorder} ${record}` }, { clean: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('RESULT opened');
    expect(await launches(1)).toEqual([[url]]);
  });

  it.runIf(plainLinux)('with BROWSER unset, says so when the system opener finds no browser (xdg-open exits 3)', async () => {
    assertBuilt(['auth/browser']);
    const script = `
      const { presentAuthorizationUrl } = await import(${JSON.stringify(distUrl('auth/browser'))});
      const { createLogger } = await import(${JSON.stringify(distUrl('log'))});
      const how = await presentAuthorizationUrl(process.env.URL, { browser: undefined, logger: createLogger() });
      process.stderr.write('RESULT ' + how + '\\n');
    `;
    // xdg-open's generic mode runs $BROWSER; when that fails it gives up with status 3.
    const result = await runNode(script, { URL: url, BROWSER: `node ${fakeBrowser} ${record} 1` }, { clean: true });
    expect(result.code).toBe(0);
    // xdg-open may try $BROWSER more than once before giving up.
    const tried = await launches(1);
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((args) => args.length === 1 && args[0] === url)).toBe(true);
    expect(result.stderr).toContain('RESULT printed');
    expect(result.stderr).toMatch(/Could not open the system browser \(its launcher exited with status 3\)/);
    expect(result.stderr).toMatch(/The browser did not open\. Open this URL yourself to sign in:\n\n  \S+/);
  });
});
