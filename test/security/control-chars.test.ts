/**
 * Text from the authorization server or the API never drives the terminal: an
 * error_description, an API error message or a store name carrying ESC (clear the screen,
 * retitle the window), CR (overwrite the line), LF (forge a line of our own), a C1 CSI or a
 * bidi override reaches stderr escaped, never raw. The real CLI (`login`, `status`, `call`)
 * runs as a process against the hostile AS of test/helpers/hostile-as.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { type Override, hostileAs } from '../helpers/hostile-as.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';

const figures = suiteFigures('security/control-chars');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Clears the screen, returns the cursor, overwrites the line and forges one of its own. */
const EVIL = '\x1b[2J\x1b[H\rSigned in to Whatalo.\nFORGED line\x9b31m\u202eevil\x07';
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/;

function expectNoRawControls(stderr: string): void {
  expect(stderr).not.toMatch(RAW);
  expect(stderr.split('\n').filter((line) => line.startsWith('FORGED'))).toEqual([]);
  // Escaped, the text is still there for a person to read.
  expect(stderr).toContain('\\x1B[2J');
}

async function cli(issuer: string, dir: string, args: string[]) {
  const result = await runCli(args, {
    env: {
      WHATALO_ISSUER: issuer,
      WHATALO_API_BASE: `${issuer}/api/v1`,
      WHATALO_CONFIG_DIR: dir,
      WHATALO_CREDENTIAL_STORE: 'file',
      WHATALO_CREDENTIAL_KEY: 'control-chars-passphrase',
      WHATALO_LOGIN_TIMEOUT: '15',
      BROWSER: FETCH_BROWSER,
    },
  });
  figures.add('hostileInputs');
  return result;
}

async function configDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-control-chars-'));
  dirs.push(dir);
  return dir;
}

describe('remote text with control characters reaches stderr escaped', () => {
  it('login: an error_description from the token endpoint', async () => {
    const refuse: Override = () => ({ status: 400, body: { error: 'invalid_grant', error_description: EVIL } });
    const as = await hostileAs({ '/token': refuse });
    try {
      const result = await cli(as.issuer, await configDir(), ['login']);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/refused the sign-in code: invalid_grant/);
      expectNoRawControls(result.stderr);
    } finally {
      await as.close();
    }
  });

  it('login and status: a store name and a merchant name, then an error_description from introspection', async () => {
    let introspectionFails = false;
    const as = await hostileAs({
      '/api/v1/store': () => ({ body: { data: { id: 'str_hostile', name: EVIL, currency: 'EUR' } } }),
      '/introspect': (_issuer, _url, normal) =>
        introspectionFails
          ? { status: 400, body: { error: 'invalid_request', error_description: EVIL } }
          : { ...normal, body: { ...(normal.body as object), username: EVIL } },
    });
    const dir = await configDir();
    try {
      const login = await cli(as.issuer, dir, ['login']);
      expect(login.code, login.stderr).toBe(0);
      // The merchant by name (RFC 7662 username), escaped, with the id beside it.
      expect(login.stdout).toMatch(/^Signed in to Whatalo as \S.* \(usr_hostile\) for store “/m);
      expectNoRawControls(login.stdout);

      const status = await cli(as.issuer, dir, ['status']);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^ {2}merchant: +\S.* \(usr_hostile\)$/m);
      expectNoRawControls(status.stdout);

      introspectionFails = true;
      const refused = await cli(as.issuer, dir, ['status']);
      expect(refused.stderr).toMatch(/refused checking the access token: invalid_request/);
      expectNoRawControls(refused.stderr);
    } finally {
      await as.close();
    }
  });

  it('call: an API error message', async () => {
    let apiFails = false;
    const as = await hostileAs({
      '/api/v1/store': (_issuer, _url, normal) => (apiFails ? { status: 400, body: { code: 'bad_request', message: EVIL, requestId: 'req_evil' } } : normal),
    });
    const dir = await configDir();
    try {
      expect((await cli(as.issuer, dir, ['login'])).code).toBe(0);
      apiFails = true;
      const result = await cli(as.issuer, dir, ['call', 'get_store']);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/Whatalo answered HTTP 400 bad_request/);
      expectNoRawControls(result.stderr);
    } finally {
      await as.close();
    }
  });
});
