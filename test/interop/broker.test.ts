/**
 * The real CLI (login, status, call, logout) against oidc-provider configured like Whatalo,
 * with an API v1 stand-in that accepts only tokens this AS issued for it. Each flow: sign-in
 * through the AS's own authorization and interaction endpoints, status from introspection
 * (whatalo_store_id), a tool call, a silent refresh (the access token lives 30 s, inside the
 * broker's refresh margin, so the call refreshes first, and the refresh token rotates), and a
 * logout after which the AS calls both tokens inactive.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FETCH_BROWSER, removeTempDirs, tempDir } from '../auth/kit.js';
import { runCli } from '../helpers/cli.js';
import { MERCHANT, STORE, type WhataloLikeAs, type WhataloLikeOptions, startWhataloLikeAs } from './whatalo-like-as.js';

let running: WhataloLikeAs | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await removeTempDirs();
});

async function start(options: Omit<WhataloLikeOptions, 'accessTokenTtl'>): Promise<WhataloLikeAs> {
  running = await startWhataloLikeAs({ ...options, accessTokenTtl: 30 });
  return running;
}

const latest = (as: WhataloLikeAs, kind: 'AccessToken' | 'RefreshToken') => as.issued.filter((t) => t.kind === kind).at(-1)!.value;

/** login, status, call with a silent refresh, logout: what a merchant does, checked at the AS. */
async function signInUseAndSignOut(as: WhataloLikeAs, extraEnv: Record<string, string> = {}) {
  const dir = await tempDir('whatalo-interop-');
  const browserLog = path.join(dir, 'browser.log');
  const env = {
    WHATALO_ISSUER: as.issuer.origin,
    WHATALO_API_BASE: as.apiBase.href,
    WHATALO_CONFIG_DIR: dir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'test passphrase for the credential file',
    WHATALO_SCOPES: 'read:store read:products',
    WHATALO_LOG_LEVEL: 'debug',
    WHATALO_TEST_BROWSER_LOG: browserLog,
    BROWSER: FETCH_BROWSER,
    ...extraEnv,
  };

  const login = await runCli(['login'], { env });
  // What the browser saw, for the failure message (it may still be writing its last line).
  const visits = await readFile(browserLog, 'utf8').catch(() => '');
  expect(login.code, `${login.stderr}\nbrowser: ${visits}`).toBe(0);
  expect(as.grants[0]).toBe('authorization_code');

  const status = await runCli(['status', '--json'], { env });
  expect(status.code, status.stderr).toBe(0);
  const report = JSON.parse(status.stdout) as { scopes: string[] };
  expect(report).toMatchObject({ signed_in: true, store_id: STORE.id, merchant: MERCHANT });
  expect([...report.scopes].sort()).toEqual(['read:products', 'read:store']);

  const firstRefresh = latest(as, 'RefreshToken');
  const grantsBeforeCall = as.grants.length;
  const call = await runCli(['call', 'get_store'], { env });
  expect(call.code, call.stderr).toBe(0);
  expect(JSON.parse(call.stdout)).toMatchObject({ store: STORE });
  // Silent refresh: the call refreshed (nobody was asked), the API saw the new access token,
  // and the refresh token rotated, so the old one is dead at the AS.
  expect(as.grants.slice(grantsBeforeCall)).toContain('refresh_token');
  expect(as.apiAccepted.at(-1)).toBe(latest(as, 'AccessToken'));
  expect(latest(as, 'RefreshToken')).not.toBe(firstRefresh);
  expect(await as.introspect(firstRefresh)).toEqual({ active: false });

  const access = latest(as, 'AccessToken');
  const refresh = latest(as, 'RefreshToken');
  expect(await as.introspect(access)).toMatchObject({ active: true, whatalo_store_id: STORE.id, aud: as.apiBase.origin });
  expect(await as.introspect(refresh)).toMatchObject({ active: true });

  const logout = await runCli(['logout'], { env });
  expect(logout.code, logout.stderr).toBe(0);
  expect(logout.stdout).toContain('Signed out: the tokens were revoked');
  expect(await as.introspect(access)).toEqual({ active: false });
  expect(await as.introspect(refresh)).toEqual({ active: false });
  const after = await runCli(['status', '--json'], { env });
  expect(JSON.parse(after.stdout)).toMatchObject({ signed_in: false });
  // No token in anything the CLI printed.
  for (const token of as.issued.map((t) => t.value)) {
    for (const output of [login, status, call, logout, after]) expect(output.stdout + output.stderr).not.toContain(token);
  }
}

it('registers (DCR, HTTP Basic), signs in, calls a tool, refreshes silently and revokes both tokens', async () => {
  const as = await start({ authMethods: ['client_secret_basic', 'client_secret_post', 'none'] });
  await signInUseAndSignOut(as);
});

it('the same with an AS that takes only client_secret_post', async () => {
  const as = await start({ authMethods: ['client_secret_post'] });
  await signInUseAndSignOut(as);
});

it('the same with a pre-registered client (WHATALO_CLIENT_ID / WHATALO_CLIENT_SECRET) and no registration endpoint', async () => {
  const client = { client_id: 'whatalo-desktop-preregistered', client_secret: 'a secret given by hand to this installation' };
  const as = await start({
    authMethods: ['client_secret_basic', 'client_secret_post'],
    registration: false,
    clients: [
      {
        ...client,
        application_type: 'native',
        // A client registered by hand: its loopback redirect on any port (RFC 8252 §7.3, native clients at oidc-provider).
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
  });
  await signInUseAndSignOut(as, { WHATALO_CLIENT_ID: client.client_id, WHATALO_CLIENT_SECRET: client.client_secret });
});
