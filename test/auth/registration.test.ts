/**
 * Registration against the sandbox: a confidential client per install, its name kept in
 * clients.json (no secret, 0600 in a 0700 dir), and re-registration when the AS forgets it
 * after 90 days — with a clear path back to a working session. What registration sends, the
 * exact port and the one-registration rule are in whatalo-signin.test.ts (strict AS).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createBroker } from '../../src/auth/broker.js';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { readRegisteredClient } from '../../src/auth/registration.js';
import { silentLogger } from '../../src/log.js';
import { requiredScopes } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { runCli } from '../helpers/cli.js';
import { FETCH_BROWSER, approvingPerson, freePort, printedUrl, registerTestClient, sandboxConfig, sandboxEnv, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();

const NINETY_ONE_DAYS = 91 * 24 * 3600;

it('registers as a confidential client with a secret, its redirect URIs and scope as registered', async () => {
  const issuer = new URL(sandbox.issuer);
  const as = await discoverAuthorizationServer(issuer);
  const registration = await registerTestClient(as, issuer);
  expect(registration.client_secret!.length).toBeGreaterThanOrEqual(32);
  expect(registration.token_endpoint_auth_method).toBe('client_secret_basic');
  expect(registration.redirect_uris).toEqual(['http://127.0.0.1:7/callback', 'http://127.0.0.1:1/callback']);
  expect(registration.scope).toBe('read:store');
});

it('clients.json names the client without its secret, private to the user', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  const file = path.join(dir, 'clients.json');
  const content = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; clients: Record<string, Record<string, unknown>>; pending: object };
  const entry = content.clients[new URL(sandbox.issuer).href]!;
  expect(Object.keys(entry).sort()).toEqual([
    'client_id',
    'client_id_issued_at',
    'client_secret_expires_at',
    'redirect_uris',
    'scope',
    'token_endpoint_auth_method',
  ]);
  expect(content).toMatchObject({ version: 2, pending: {} });
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  expect((await fs.stat(dir)).mode & 0o777).toBe(0o700);
});

it('after the registration expired: status says so, login registers again and works; no browser from status', async () => {
  const dir = await tempDir();
  const log = `${dir}-browser.log`;
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER, WHATALO_TEST_BROWSER_LOG: log });
  expect((await runCli(['login'], { env })).code).toBe(0);
  await sandbox.advanceClock(NINETY_ONE_DAYS);
  const before = await sandbox.stats();

  const status = await runCli(['status', '--json'], { env });
  expect(status.code).toBe(1);
  const report = JSON.parse(status.stdout) as { signed_in: boolean; reason: string };
  expect(report.signed_in).toBe(false);
  expect(report.reason).toMatch(/no longer accepts this app's registration.*whatalo-mcp login/);
  expect((await fs.readFile(log, 'utf8')).match(/"launched"/g)).toHaveLength(1);

  const login = await runCli(['login'], { env });
  expect(login.code).toBe(0);
  const after = await sandbox.stats();
  expect(after.registrations - before.registrations).toBe(1);
  expect((await runCli(['status'], { env })).code).toBe(0);
});

it('login straight after expiry finds out by itself (no error page in the browser) and registers again', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  const oldClient = (JSON.parse(await fs.readFile(path.join(dir, 'clients.json'), 'utf8')) as { clients: Record<string, { client_id: string }> }).clients[
    new URL(sandbox.issuer).href
  ]!.client_id;
  await sandbox.advanceClock(NINETY_ONE_DAYS);
  const login = await runCli(['login'], { env });
  expect(login.code).toBe(0);
  const newClient = (JSON.parse(await fs.readFile(path.join(dir, 'clients.json'), 'utf8')) as { clients: Record<string, { client_id: string }> }).clients[
    new URL(sandbox.issuer).href
  ]!.client_id;
  expect(newClient).not.toBe(oldClient);
  expect((await runCli(['status'], { env })).code).toBe(0);
});

it('a tool call after expiry registers again and signs in (first use), in one call', async () => {
  // No introspection cache, so the call sees the AS's answer now rather than up to 60 s later.
  const config = sandboxConfig(sandbox, await tempDir(), { WHATALO_INTROSPECTION_TTL: '0' });
  const broker = createBroker(config, { logger: silentLogger, requestedScopes: ['read:store'] });
  await broker.ensureAccess('read:store', approvingPerson);
  await sandbox.advanceClock(NINETY_ONE_DAYS);
  const before = await sandbox.stats();
  const access = await broker.ensureAccess('read:store', approvingPerson);
  expect(access.storeId).toBe(sandbox.stores[0]!.id);
  expect((await sandbox.stats()).registrations - before.registrations).toBe(1);
  await broker.close();
});

it('a client registered by hand (CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) is used as is: no registration, its exact port, its secret private', async () => {
  const issuer = new URL(sandbox.issuer);
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  // Registered by hand with every enabled tool's scope, as its ceiling (CONTRACT AC4), and one exact redirect.
  const made = await registerTestClient(await discoverAuthorizationServer(issuer), issuer, requiredScopes(ALL_TOOLS).join(' '), [redirect]);
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, {
    BROWSER: FETCH_BROWSER,
    WHATALO_CLIENT_ID: made.client_id,
    WHATALO_CLIENT_SECRET: made.client_secret!,
    WHATALO_REDIRECT_URI: redirect,
  });
  const before = await sandbox.stats();
  const login = await runCli(['login'], { env });
  expect(login.code, login.stderr).toBe(0);
  expect(printedUrl(login.stderr)).toContain(`redirect_uri=${encodeURIComponent(redirect)}`);
  expect((await sandbox.stats()).registrations).toBe(before.registrations);
  const clients = await fs.readFile(path.join(dir, 'clients.json'), 'utf8');
  expect(clients).toContain(made.client_id);
  expect(clients).not.toContain(made.client_secret!);
  expect((await runCli(['status'], { env })).code).toBe(0);
});

it('a clients.json entry with a bad field is refused with that field named, and the way out', async () => {
  const dir = await tempDir();
  const issuer = new URL(sandbox.issuer).href;
  const entry = { client_id: 'cli_1', token_endpoint_auth_method: 'magic', client_id_issued_at: 1, client_secret_expires_at: 0 };
  await fs.writeFile(path.join(dir, 'clients.json'), JSON.stringify({ version: 1, clients: { [issuer]: entry } }), { mode: 0o600 });
  await expect(readRegisteredClient(dir, issuer)).rejects.toMatchObject({
    code: 'CREDENTIAL_STORE',
    message: expect.stringContaining(`the entry for ${issuer}: "token_endpoint_auth_method"`),
    hint: expect.stringContaining('Delete'),
  });
});
