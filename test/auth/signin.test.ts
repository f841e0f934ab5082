/**
 * Sign-in end to end against the sandbox over real HTTP: the `login` command with a browser
 * that follows the redirects, the real consent page in headless chromium, --paste, and every
 * way a callback can be wrong (forged state, wrong or missing iss, access_denied, a replay,
 * a timeout) — each ends with a clear message and stores no grant (a registration made
 * before the failure is kept as pending, so the next try does not register again).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/auth/account.js';
import { createBroker } from '../../src/auth/broker.js';
import { openCredentialStore } from '../../src/auth/credentials/index.js';
import type { Config } from '../../src/config.js';
import { readStoredGrant } from '../../src/auth/grant.js';
import { readRegisteredClient } from '../../src/auth/registration.js';
import { isWhataloError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { initialScopes } from '../../src/tools/catalog.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { CHROMIUM_BROWSER, FETCH_BROWSER, followLikeBrowser, printedUrl, sandboxConfig, sandboxEnv, tempDir, useApprovingSandbox } from './kit.js';
import { CHROMIUM, describeWith } from '../helpers/requirements.js';

const sandbox = useApprovingSandbox();

async function readLog(file: string): Promise<Record<string, unknown>[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Waits until the BROWSER fixture logged its end (it runs detached from the CLI). */
async function browserEnd(file: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const end = (await readLog(file)).find((e) => 'final' in e || 'error' in e);
    if (end) return end;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the browser fixture never finished: ${JSON.stringify(await readLog(file))}`);
}

describe('whatalo-mcp login (the CLI a person runs)', () => {
  it('signs in through the browser, then status --json names the store and the scopes', async () => {
    const dir = await tempDir();
    const log = path.join(dir, '..', `${path.basename(dir)}-browser.log`);
    const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER, WHATALO_TEST_BROWSER_LOG: log });
    const before = await sandbox.stats();

    const login = await runCli(['login'], { env });
    // The merchant by the name introspection gives (RFC 7662 username), not only usr_….
    // Whatalo's introspection has no `username` (CONTRACT A11): the merchant is named by `sub`,
    // or by the name when an AS gives one (RFC 7662).
    expect(login.stdout).toMatch(/^Signed in to Whatalo as (Mariana López Fuentes \(usr_\w+\)|usr_\w+) for store “/m);
    // The result on stdout, said once: no "Signed in to Whatalo." progress line before it.
    expect((login.stdout + login.stderr).match(/Signed in to Whatalo/g), login.stdout + login.stderr).toHaveLength(1);
    expect(login.code).toBe(0);
    // The URL is always printed, and uses 127.0.0.1 with the port the callback server got.
    expect(printedUrl(login.stderr)).toMatch(/redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback/);
    expect(printedUrl(login.stderr)).toContain('code_challenge_method=S256');

    const end = await browserEnd(log);
    expect(end.status).toBe(200);
    expect(String(end.body)).toContain('Connected to Whatalo');
    // The page names the store the merchant approved, by name and id.
    expect(String(end.body)).toContain(`${sandbox.stores[0]!.name} (${sandbox.stores[0]!.id})`);
    expect((await readLog(log)).filter((e) => 'launched' in e)).toHaveLength(1);

    const status = await runCli(['status', '--json'], { env });
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      signed_in: true,
      store_id: sandbox.stores[0]!.id,
      store_name: sandbox.stores[0]!.name,
      merchant: sandbox.merchant,
      // The read scopes of every enabled tool (least privilege, CONTRACT B3), in catalog order.
      scopes: initialScopes(ALL_TOOLS),
    });
    expect(String(report.credential_store)).toContain(dir);
    const after = await sandbox.stats();
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1);
    expect(after.registrations - before.registrations).toBe(1);

    // The human form says the same, on stdout; nothing on stderr.
    const human = await runCli(['status'], { env });
    expect(human.stdout).toContain(sandbox.stores[0]!.name);
    // A script can grep it: `whatalo-mcp status | grep store`.
    expect(human.stdout.split('\n').filter((l) => /^\s*store:/.test(l))).toHaveLength(1);
    expect(human.stderr).not.toContain('store:');
  });

  it('running login again signs in anew with the same registration and revokes the grant it replaces', async () => {
    const dir = await tempDir();
    const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
    expect((await runCli(['login'], { env })).code).toBe(0);
    const before = await sandbox.stats();
    expect((await runCli(['login'], { env })).code).toBe(0);
    const after = await sandbox.stats();
    expect(after.registrations - before.registrations).toBe(0);
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1);
    const clientId = (await sandbox.grants()).at(-1)!.client_id;
    const mine = (await sandbox.grants()).filter((g) => g.client_id === clientId);
    expect(mine).toHaveLength(2);
    expect(mine[0]!.tokens.every((t) => !t.active)).toBe(true);
    expect(mine[1]!.tokens.every((t) => t.active)).toBe(true);
  });

  it('asks only for the scopes given with --scopes', async () => {
    const dir = await tempDir();
    const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
    const login = await runCli(['login', '--scopes', 'read:orders write:orders'], { env });
    expect(login.code).toBe(0);
    expect(printedUrl(login.stderr)).toContain('scope=read%3Aorders+write%3Aorders');
    const report = JSON.parse((await runCli(['status', '--json'], { env })).stdout) as { scopes: string[] };
    expect(report.scopes).toEqual(['read:orders', 'write:orders']);
  });

  it('with --paste, listens for nothing and takes the address the person pastes', async () => {
    const dir = await tempDir();
    const env = sandboxEnv(sandbox, dir);
    const run = spawnCli(['login', '--paste', '--timeout', '30'], { env });
    try {
      await run.waitForStderr(/press Enter:/);
      const url = printedUrl(run.stderr())!;
      expect(url).toContain(`redirect_uri=${encodeURIComponent('http://127.0.0.1:1/callback')}`);
      // The browser cannot open port 1; the person copies what its address bar shows.
      const visit = await followLikeBrowser(url, (u) => u.port === '1');
      run.write('not the address\n');
      await run.waitForStderr(/That is not the address/);
      const foreign = new URL(visit.final);
      foreign.searchParams.set('state', 'from-another-sign-in');
      run.write(foreign.href + '\n');
      await run.waitForStderr(/That address belongs to another sign-in/);
      run.write(visit.final + '\n');
      const result = await run.result;
      expect(result.stdout).toContain('Signed in to Whatalo as');
      expect(result.code).toBe(0);
    } finally {
      run.kill();
    }
    expect((await runCli(['status'], { env })).code).toBe(0);
  });

  it('times out with a clear message when the browser never comes back, and stores nothing', async () => {
    const dir = await tempDir();
    const env = sandboxEnv(sandbox, dir);
    const result = await runCli(['login', '--timeout', '1'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not completed within 1 second/);
    const status = await runCli(['status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: false });
    expect(await readRegisteredClient(dir, new URL(sandbox.issuer).href)).toBeNull();
  });
});

describeWith(CHROMIUM, 'the real consent page in headless chromium', () => {
  let consentSandbox: TestSandbox;
  beforeAll(async () => {
    consentSandbox = await startTestSandbox();
  });
  afterAll(() => consentSandbox?.close());

  it('a person reads the consent page, picks the second store and approves; status names that store', async () => {
    const dir = await tempDir();
    const log = path.join(dir, '..', `${path.basename(dir)}-chromium.log`);
    const chosen = consentSandbox.stores[1]!;
    const env = sandboxEnv(consentSandbox, dir, {
      BROWSER: CHROMIUM_BROWSER,
      WHATALO_TEST_BROWSER_LOG: log,
      WHATALO_TEST_STORE_ID: chosen.id,
    });
    const login = await runCli(['login', '--scopes', 'read:store read:orders', '--timeout', '50'], { env, timeoutMs: 58_000 });
    const end = await browserEnd(log);
    expect(end.error).toBeUndefined();
    expect(login.code).toBe(0);
    expect(end).toMatchObject({ heading: 'Connected to Whatalo', app: 'Whatalo MCP (desktop)', scopes: ['read:orders', 'read:store'] });
    const report = JSON.parse((await runCli(['status', '--json'], { env })).stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ signed_in: true, store_id: chosen.id, store_name: chosen.name, scopes: ['read:orders', 'read:store'] });
  }, 60_000);
});

describe("a wrong answer at the callback: someone else's is ignored, a wrong one from the AS ends the sign-in and stores nothing", () => {
  let dir: string;
  let config: Config;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir);
  });

  function broker(extra: Record<string, string> = {}) {
    config = sandboxConfig(sandbox, dir, { WHATALO_CREDENTIAL_STORE: 'file', WHATALO_LOGIN_TIMEOUT: '20', ...extra });
    return createBroker(config, { logger: silentLogger, requestedScopes: ['read:store'] });
  }

  /** Lets the sandbox approve, but stops before the browser reaches the callback: returns that callback URL. */
  async function approvedCallback(url: string): Promise<URL> {
    return new URL((await followLikeBrowser(url, (u) => u.pathname === '/callback')).final);
  }

  /** No grant: no client named for a grant, and no tokens under any account (a pending registration holds only its secret). */
  async function expectNothingStored() {
    expect(await readRegisteredClient(dir, config.issuer.href)).toBeNull();
    const store = await openCredentialStore(config, { logger: silentLogger });
    for (const account of await store.accounts()) expect((await readStoredGrant(store, account))?.tokens ?? null).toBeNull();
  }

  async function failWith(deliver: (callback: URL, url: string) => URL, pattern: RegExp, heading = 'Sign-in to Whatalo failed') {
    const b = broker();
    const before = await sandbox.stats();
    let page = '';
    const error = await b
      .ensureAccess('read:store', {
        presentUrl: async (url) => {
          const forged = deliver(await approvedCallback(url), url);
          // Answer from the callback server: the person sees an honest page.
          void fetch(forged).then(async (r) => (page = await r.text()));
        },
      })
      .catch((e: unknown) => e);
    expect(isWhataloError(error, 'SIGN_IN_FAILED'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    await expectNothingStored();
    const after = await sandbox.stats();
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(page).toContain(`<h1>${heading}</h1>`);
    await b.close();
  }

  /** The forged answer reaches the callback first: it gets a 400 page and is ignored; the genuine one then signs in. */
  async function ignoredThenSignedIn(forge: (callback: URL, url: string) => URL) {
    const b = broker();
    const before = await sandbox.stats();
    let page: { status: number; body: string } | undefined;
    const access = await b.ensureAccess('read:store', {
      presentUrl: async (url) => {
        const genuine = await approvedCallback(url);
        const forged = await fetch(forge(new URL(genuine.href), url));
        page = { status: forged.status, body: await forged.text() };
        void fetch(genuine).then((r) => r.text());
      },
    });
    expect(page).toMatchObject({ status: 400, body: expect.stringContaining('does not belong to the sign-in your app is waiting for') });
    expect(access.storeId).toBe(sandbox.stores[0]!.id);
    const after = await sandbox.stats();
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1);
    await b.close();
  }

  it('a forged state is ignored, and the genuine answer still signs in', async () => {
    await ignoredThenSignedIn((cb) => {
      cb.searchParams.set('state', 'forged-state-value');
      return cb;
    });
  });

  it('a bare /callback (no state, no iss) is ignored, and the genuine answer still signs in', async () => {
    await ignoredThenSignedIn((cb) => new URL(cb.origin + cb.pathname));
  });

  it('a wrong iss', async () => {
    await failWith((cb) => {
      cb.searchParams.set('iss', 'https://app.whatalo.example');
      return cb;
    }, /did not come from/);
  });

  it('a right state and iss but no code', async () => {
    await failWith((cb) => {
      cb.searchParams.delete('code');
      return cb;
    }, /sent the browser back without an authorization code/);
  });

  it('access_denied', async () => {
    await failWith(
      (cb) => {
        const denied = new URL(cb.origin + cb.pathname);
        denied.searchParams.set('error', 'access_denied');
        denied.searchParams.set('error_description', 'the merchant denied access');
        denied.searchParams.set('state', cb.searchParams.get('state')!);
        const iss = cb.searchParams.get('iss');
        if (iss) denied.searchParams.set('iss', iss);
        return denied;
      },
      /Access was denied on the Whatalo consent page, so nothing was stored\. To connect your store after all, call the tool again .* and choose Approve\./,
      'Nothing was shared',
    );
  });

  it('a callback replayed after a successful sign-in reaches nothing, and a later sign-in ignores it', async () => {
    const b = broker();
    let used: URL | undefined;
    const access = await b.ensureAccess('read:store', {
      presentUrl: async (url) => {
        used = await approvedCallback(url);
        void fetch(used).then((r) => r.text());
      },
    });
    expect(access.storeId).toBe(sandbox.stores[0]!.id);
    // The one-shot server is gone once the sign-in is done.
    await expect(fetch(used!)).rejects.toThrow();
    await createAccount(config, { logger: silentLogger, requestedScopes: ['read:store'] }).logout();
    await b.close();

    // A new flow gets the old answer delivered to its own port: the state does not match, so it is ignored.
    await ignoredThenSignedIn((_cb, url) => {
      const port = new URL(new URL(url).searchParams.get('redirect_uri')!).port;
      const replay = new URL(used!.href);
      replay.port = port;
      return replay;
    });
  });

  it('a stray request (favicon) does not end the flow', async () => {
    const b = broker();
    const access = await b.ensureAccess('read:store', {
      presentUrl: async (url) => {
        const callback = await approvedCallback(url);
        await fetch(new URL('/favicon.ico', callback)).then((r) => r.text());
        void fetch(callback).then((r) => r.text());
      },
    });
    expect(access.scopes).toContain('read:store');
    await b.close();
  });

  it('a timeout names the link and stores nothing', async () => {
    const b = broker({ WHATALO_LOGIN_TIMEOUT: '1' });
    let shown = '';
    const error = await b
      .ensureAccess('read:store', {
        presentUrl: async (url) => {
          shown = url;
        },
      })
      .catch((e: unknown) => e);
    expect(isWhataloError(error, 'SIGN_IN_TIMEOUT'), String(error)).toBe(true);
    expect((error as Error).message).toContain('not completed within 1 seconds');
    expect((error as Error).message).toContain(shown);
    await expectNothingStored();
    await b.close();
  });
});
