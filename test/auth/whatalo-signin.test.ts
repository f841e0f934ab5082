/**
 * Sign-in exactly as Whatalo documents it (CONTRACT §1, AC1–AC5, B1–B6), against the strict
 * AS of strict-as.ts over real HTTP: what registration, authorize and token requests carry
 * on the wire; the exact loopback port kept with the registration and bound again; one new
 * registration only when that port is taken; the `localhost` fallback; no second
 * registration after failed sign-ins, in one process or across CLI runs; 429 with its wait;
 * a narrower grant as a normal answer; `iss` checked when present, required only when
 * advertised; a clients.json entry from before exact ports.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/auth/account.js';
import { createBroker } from '../../src/auth/broker.js';
import { SOFTWARE_ID, readRegisteredClient } from '../../src/auth/registration.js';
import { type Config, loadConfig } from '../../src/config.js';
import { isWhataloError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { joinScopes } from '../../src/scopes.js';
import { initialScopes, requiredScopes } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { VERSION } from '../../src/version.js';
import { runCli } from '../helpers/cli.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { FETCH_BROWSER, followLikeBrowser, printedUrl, removeTempDirs, sandboxEnv, tempDir } from './kit.js';
import { STRICT_STORE, type StrictAs, type StrictAsBehaviour, startStrictAs } from './strict-as.js';

let running: StrictAs | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await removeTempDirs();
});

async function strictAs(behaviour: Partial<StrictAsBehaviour> = {}): Promise<StrictAs> {
  running = await startStrictAs(behaviour);
  return running;
}

function env(as: StrictAs, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATALO_ISSUER: as.issuer,
    WHATALO_API_BASE: as.apiBase,
    WHATALO_CONFIG_DIR: dir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'test passphrase for the credential file',
    WHATALO_LOGIN_TIMEOUT: '10',
    BROWSER: 'none',
    ...extra,
  };
}

/** A person whose browser follows every redirect (the strict AS approves or declines at once). */
const browser = async (url: string) => void followLikeBrowser(url).catch(() => {});

const ENABLED = requiredScopes(ALL_TOOLS);
const READS = initialScopes(ALL_TOOLS);

function account(config: Config) {
  return createAccount(config, { logger: silentLogger, requestedScopes: READS, registeredScopes: ENABLED, openBrowser: browser });
}

const portOf = (uri: string) => Number(new URL(uri).port);

/** GET /callback with a foreign state at one address, as a browser that resolved `localhost` there would send it. */
function statusAt(address: string, port: number, host: string): Promise<string> {
  const label = address.includes(':') ? `[${address}]` : address;
  return new Promise((resolve) => {
    const req = http.get({ host: address, port, path: '/callback?state=not-this-one', headers: { host }, agent: false }, (res) => {
      res.resume();
      resolve(`${label} ${res.statusCode}`);
    });
    req.on('error', () => resolve(`${label} unreachable`));
  });
}
const clientEntry = async (config: Config, slot: 'clients' | 'pending' = 'clients') => readRegisteredClient(config.configDir, config.issuer.href, slot);

describe('what the broker sends (AC1, AC2, AC4, B3)', () => {
  it('registers with every field Whatalo documents and the scope of every enabled tool; asks only for read scopes, for the API origin', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir()));
    const report = await account(config).login();
    expect(report).toMatchObject({ store_id: STRICT_STORE, scopes: READS });

    expect(as.seen.registerRequests).toHaveLength(1);
    const registered = as.seen.registerRequests[0]!;
    const port = portOf((registered.redirect_uris as string[])[0]!);
    expect(registered).toMatchObject({
      client_name: 'Whatalo MCP (desktop)',
      redirect_uris: [`http://127.0.0.1:${port}/callback`, 'http://127.0.0.1:1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      software_id: SOFTWARE_ID,
      software_version: VERSION,
      scope: ENABLED.join(' '),
    });
    expect(ENABLED).toContain('write:products');

    const authorize = as.seen.authorizeRequests[0]!.searchParams;
    expect(authorize.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/callback`);
    expect(authorize.get('scope')).toBe(READS.join(' '));
    expect(authorize.getAll('resource')).toEqual([as.issuer]);
    expect(as.resource).toBe(new URL(as.apiBase).origin);
    expect(as.seen.tokenRequests[0]!.getAll('resource')).toEqual([as.issuer]);
    // AC2: Whatalo has no category scope; one unknown scope fails the whole request (A3).
    expect(as.seen.wire.join('\n')).not.toMatch(/categories/);
  });

  it('WHATALO_RESOURCE names another resource, sent at authorize and token and required of introspection', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir(), { WHATALO_RESOURCE: 'https://api.whatalo.example/' }));
    expect(config.apiResource).toBe('https://api.whatalo.example');
    const error = await account(config)
      .login()
      .catch((e: unknown) => e);
    // The strict AS knows only its own origin: invalid_target at the redirect, so the override was sent.
    expect(as.seen.authorizeRequests[0]!.searchParams.getAll('resource')).toEqual(['https://api.whatalo.example']);
    expect(isWhataloError(error, 'SIGN_IN_FAILED') && error.message).toMatch(/invalid_target/);
  });

  it('a narrower grant is a normal answer; the missing scope comes later by step-up, inside the registered ceiling', async () => {
    const as = await strictAs({ grant: (asked) => asked.filter((s) => s === 'read:store') });
    const config = loadConfig(env(as, await tempDir(), { WHATALO_INTROSPECTION_TTL: '0' }));
    const report = await account(config).login({ scopes: ['read:store', 'read:products'] });
    expect(report.scopes).toEqual(['read:store']);
    expect((await clientEntry(config))!.scope).toBe(ENABLED.join(' '));

    as.behaviour.grant = (asked) => asked;
    const broker = createBroker(config, { logger: silentLogger, requestedScopes: READS, registeredScopes: ENABLED });
    const access = await broker.ensureAccess('write:products', { presentUrl: browser });
    expect(access.scopes).toContain('write:products');
    expect(as.seen.authorizeRequests.at(-1)!.searchParams.get('scope')).toBe(joinScopes(['read:store', 'write:products']));
    expect(as.seen.registerRequests).toHaveLength(1);
    await broker.close();
  });
});

describe('the exact loopback port (AC3)', () => {
  it('is kept with the registration and bound again at the next sign-in: one registration for many sign-ins', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir()));
    await account(config).login();
    const entry = (await clientEntry(config))!;
    const port = portOf(entry.redirect_uris![0]!);
    expect(entry.redirect_uris).toEqual([`http://127.0.0.1:${port}/callback`, 'http://127.0.0.1:1/callback']);

    await account(config).login();
    await account(config).login();
    expect(as.seen.registerRequests).toHaveLength(1);
    expect(as.seen.authorizeRequests.map((u) => u.searchParams.get('redirect_uri'))).toEqual(Array(3).fill(`http://127.0.0.1:${port}/callback`));
  });

  it('when another program holds that port: a new port and exactly one new registration, and the sign-in works', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir()));
    await account(config).login();
    const port = portOf((await clientEntry(config))!.redirect_uris![0]!);
    const squatter = http.createServer((_req, res) => res.end('not yours'));
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const report = await account(config).login();
      expect(report.store_id).toBe(STRICT_STORE);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    expect(as.seen.registerRequests).toHaveLength(2);
    const moved = portOf((await clientEntry(config))!.redirect_uris![0]!);
    expect(moved).not.toBe(port);
    expect(as.seen.authorizeRequests.at(-1)!.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${moved}/callback`);
  });

  it('an AS that refuses 127.0.0.1 gets localhost once, with the callback on 127.0.0.1 and ::1', async () => {
    const as = await strictAs({ loopback: 'localhost-only' });
    const config = loadConfig(env(as, await tempDir()));
    let reached: string[] = [];
    const report = await createAccount(config, {
      logger: silentLogger,
      requestedScopes: READS,
      registeredScopes: ENABLED,
      openBrowser: async (url) => {
        // Before approving: both loopback addresses answer on the registered port (a 400 for a foreign state).
        const uri = new URL(new URL(url).searchParams.get('redirect_uri')!);
        reached = await Promise.all(['127.0.0.1', '::1'].map((address) => statusAt(address, Number(uri.port), `localhost:${uri.port}`)));
        void followLikeBrowser(url).catch(() => {});
      },
    }).login();
    expect(report.store_id).toBe(STRICT_STORE);
    expect(as.seen.registerRequests.map((r) => (r.redirect_uris as string[])[0]!.replace(/:\d+\//, ':PORT/'))).toEqual([
      'http://127.0.0.1:PORT/callback',
      'http://localhost:PORT/callback',
    ]);
    expect(as.seen.clients.size).toBe(1);
    expect(reached[0]).toBe('127.0.0.1 400');
    // A machine without IPv6 loopback listens on 127.0.0.1 only; with it, ::1 answers too.
    const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    expect(reached[1]).toBe(hasIpv6Loopback ? '[::1] 400' : '[::1] unreachable');
    // The next sign-in uses localhost at once: no refused request, no registration.
    await account(config).login();
    expect(as.seen.registerRequests).toHaveLength(2);
    expect(as.seen.authorizeRequests.at(-1)!.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/callback$/);
  });
});

describe('never more than one registration (A5, AC3)', () => {
  it('a sign-in that fails three times (declined at consent) registers once, also across separate CLI runs', async () => {
    const as = await strictAs({ deny: true });
    const dir = await tempDir();
    const cli = env(as, dir, { BROWSER: FETCH_BROWSER });
    for (let attempt = 0; attempt < 3; attempt++) {
      const run = await runCli(['login'], { env: cli });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Access was denied on the Whatalo consent page');
    }
    expect(as.seen.registerRequests).toHaveLength(1);
    // Nothing is signed in; the registration waits, with its secret, as pending.
    const status = await runCli(['status', '--json'], { env: cli });
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: false });
    const clients = JSON.parse(await fs.readFile(path.join(dir, 'clients.json'), 'utf8')) as { version: number; clients: object; pending: object };
    expect(clients).toMatchObject({ version: 2, clients: {} });
    expect(Object.keys(clients.pending)).toEqual([new URL(as.issuer).href]);

    as.behaviour.deny = false;
    const login = await runCli(['login'], { env: cli });
    expect(login.code, login.stderr).toBe(0);
    expect(as.seen.registerRequests).toHaveLength(1);
    expect(new Set(as.seen.authorizeRequests.map((u) => u.searchParams.get('redirect_uri'))).size).toBe(1);
    const after = JSON.parse(await fs.readFile(path.join(dir, 'clients.json'), 'utf8')) as { clients: object; pending: object };
    expect(after.pending).toEqual({});
    expect(Object.keys(after.clients)).toEqual([new URL(as.issuer).href]);
  });

  it('a sign-in whose scope outgrows the registered ceiling registers once more, with the new scope', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir()));
    const narrow = createAccount(config, { logger: silentLogger, requestedScopes: ['read:store'], registeredScopes: ['read:store'], openBrowser: browser });
    await narrow.login();
    await account(config).login({ scopes: ['read:store', 'write:webhooks'] });
    expect(as.seen.registerRequests.map((r) => r.scope)).toEqual(['read:store', [...ENABLED, 'write:webhooks'].join(' ')]);
  });
});

describe('429 from the AS (A5, A8, B6)', () => {
  it('at registration: the sign-in ends with the wait in the message, after one request', async () => {
    const as = await strictAs({ registerLimited: { count: 5, retryAfter: '2520' } });
    const config = loadConfig(env(as, await tempDir()));
    const error = await account(config)
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AS_UNREACHABLE', message: expect.stringContaining('Try again in 42 minutes') });
    expect((error as Error).message).toContain('it allows 10 per hour');
    expect(as.seen.registerRequests).toHaveLength(1);
    expect(as.seen.authorizeRequests).toHaveLength(0);
  });

  it('at the token endpoint: waited for once when short, and the sign-in completes', async () => {
    const as = await strictAs({ tokenLimited: { count: 1, retryAfter: '1' } });
    const config = loadConfig(env(as, await tempDir()));
    const started = Date.now();
    expect((await account(config).login()).store_id).toBe(STRICT_STORE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(as.seen.tokenRequests.filter((f) => f.get('grant_type') === 'authorization_code')).toHaveLength(2);
  });

  it('at the token endpoint: a second 429, or a wait past the bound, is reported with the wait', async () => {
    const as = await strictAs({ tokenLimited: { count: 1, retryAfter: '120' } });
    const config = loadConfig(env(as, await tempDir()));
    const long = await account(config)
      .login()
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ code: 'AS_UNREACHABLE', message: expect.stringContaining('Try again in 2 minutes') });
    expect(as.seen.tokenRequests).toHaveLength(1);

    as.behaviour.tokenLimited = { count: 2, retryAfter: '1' };
    const twice = await account(config)
      .login()
      .catch((e: unknown) => e);
    expect(twice).toMatchObject({ code: 'AS_UNREACHABLE', message: expect.stringContaining('Try again in 1 second') });
    expect(as.seen.tokenRequests).toHaveLength(3);
    // Still one registration: neither failure cost another.
    expect(as.seen.registerRequests).toHaveLength(1);
  });
});

describe('429 at a silent refresh (B6)', () => {
  it('waits once for a short Retry-After and the call goes on; twice is a clear message with the wait, and the grant is kept', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir(), { WHATALO_INTROSPECTION_TTL: '0' }));
    let clock = Date.now();
    const broker = createBroker(config, { logger: silentLogger, requestedScopes: READS, registeredScopes: ENABLED, now: () => clock });
    await broker.ensureAccess('read:store', { presentUrl: browser });

    clock += 3600_000; // the access token is due: the next call refreshes
    as.behaviour.tokenLimited = { count: 1, retryAfter: '1' };
    const started = Date.now();
    expect((await broker.ensureAccess('read:store')).storeId).toBe(STRICT_STORE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const refreshes = () => as.seen.tokenRequests.filter((f) => f.get('grant_type') === 'refresh_token').length;
    expect(refreshes()).toBe(2);

    clock += 3600_000;
    as.behaviour.tokenLimited = { count: 2, retryAfter: '1' };
    const error = await broker.ensureAccess('read:store').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AS_UNREACHABLE', message: expect.stringContaining('while refreshing the access token') });
    expect((error as Error).message).toContain('Try again in 1 second');
    expect(refreshes()).toBe(4);
    // Not signed out: the refresh token was never used, so the next call refreshes with it.
    expect((await broker.ensureAccess('read:store')).storeId).toBe(STRICT_STORE);
    expect(as.seen.registerRequests).toHaveLength(1);
    await broker.close();
  });
});

describe('iss on the authorization response (A7)', () => {
  it('absent and not advertised (Whatalo): accepted', async () => {
    const as = await strictAs({ iss: 'absent' });
    expect((await account(loadConfig(env(as, await tempDir()))).login()).store_id).toBe(STRICT_STORE);
  });

  it('present and wrong, although not advertised: refused, nothing stored', async () => {
    const as = await strictAs({ iss: 'sent', wrongIss: true });
    const config = loadConfig(env(as, await tempDir()));
    const error = await account(config)
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIGN_IN_FAILED', message: expect.stringMatching(/did not come from .*"iss"/) });
    expect(await clientEntry(config)).toBeNull();
    expect(as.seen.tokenRequests).toHaveLength(0);
  });

  it('advertised (RFC 9207) and absent: refused', async () => {
    const as = await strictAs({ iss: 'advertised-but-absent' });
    const config = loadConfig(env(as, await tempDir()));
    const error = await account(config)
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIGN_IN_FAILED', message: expect.stringMatching(/did not come from .*"iss"/) });
    expect(as.seen.tokenRequests).toHaveLength(0);
  });

  it('advertised (RFC 9207) and present: accepted', async () => {
    const as = await strictAs({ iss: 'advertised' });
    expect((await account(loadConfig(env(as, await tempDir()))).login()).store_id).toBe(STRICT_STORE);
  });
});

describe('clients.json from before exact ports (version 1)', () => {
  it('the old grant keeps working; the next sign-in registers once with an exact port and replaces it', async () => {
    const as = await strictAs();
    const config = loadConfig(env(as, await tempDir(), { WHATALO_INTROSPECTION_TTL: '0' }));
    await account(config).login();
    // Rewrite the record as version 1 wrote it: no redirect_uris, no scope, no pending.
    const file = path.join(config.configDir, 'clients.json');
    const v2 = JSON.parse(await fs.readFile(file, 'utf8')) as { clients: Record<string, Record<string, unknown>> };
    const key = config.issuer.href;
    const { redirect_uris: _uris, scope: _scope, ...old } = v2.clients[key]!;
    await fs.writeFile(file, JSON.stringify({ version: 1, clients: { [key]: old } }), { mode: 0o600 });

    expect(await clientEntry(config)).toMatchObject({ client_id: old.client_id, redirect_uris: null, scope: null });
    expect((await account(config).status()).signed_in).toBe(true);

    await account(config).login();
    expect(as.seen.registerRequests).toHaveLength(2);
    const entry = (await clientEntry(config))!;
    expect(entry.client_id).not.toBe(old.client_id);
    expect(entry.redirect_uris![0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    // The grant it replaced is revoked, both tokens.
    expect(as.seen.revoked).toHaveLength(2);
  });
});

it('a port number in the record is a real loopback port (no port 0, no paste port)', async () => {
  const as = await strictAs();
  const config = loadConfig(env(as, await tempDir()));
  await account(config).login();
  const port = portOf((await clientEntry(config))!.redirect_uris![0]!);
  expect(port).toBeGreaterThan(1);
  // Nothing is left listening on it after the sign-in.
  const probe = http.createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
  expect((probe.address() as AddressInfo).port).toBe(port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

describe('against the sandbox in its documented mode (exact redirects, 10 registrations per hour)', () => {
  let sandbox: TestSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('three sign-ins that time out, then one that completes: one registration, one port', async () => {
    sandbox = await startTestSandbox({ autoApprove: 'first' });
    const dir = await tempDir();
    const cli = sandboxEnv(sandbox, dir);
    let printed = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const run = await runCli(['login', '--timeout', '1'], { env: cli });
      expect(run.stderr).toContain('not completed within 1 second');
      printed += run.stderr;
    }
    const login = await runCli(['login'], { env: { ...cli, BROWSER: FETCH_BROWSER } });
    expect(login.code, login.stderr).toBe(0);
    printed += login.stderr;
    expect((await sandbox.stats()).registrations).toBe(1);
    // Every attempt came back to the same registered port (the sandbox matches it exactly).
    const ports = [...printed.matchAll(/redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A(\d+)/g)].map((m) => m[1]);
    expect(ports).toHaveLength(4);
    expect(new Set(ports).size).toBe(1);
  });

  it('with --localhost-only, registers once with localhost and signs in through it', async () => {
    sandbox = await startTestSandbox({ autoApprove: 'first', flags: { localhostOnly: true } });
    const dir = await tempDir();
    const login = await runCli(['login'], { env: { ...sandboxEnv(sandbox, dir), BROWSER: FETCH_BROWSER } });
    expect(login.code, login.stderr).toBe(0);
    expect(printedUrl(login.stderr)).toMatch(/redirect_uri=http%3A%2F%2Flocalhost%3A\d+%2Fcallback/);
    expect((await sandbox.stats()).registrations).toBe(1);
  });
});
