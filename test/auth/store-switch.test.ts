/**
 * A sign-in never moves the connection to another store as a side effect (CONTRACT A19).
 * Signed in read-only to store A, a call that needs a write scope steps up: the request names
 * store A (`whatalo_store_id`), the real consent page in chromium offers A alone, preselected,
 * and auto-approval honours it. When the AS ignores the hint and grants store B, the broker
 * refuses: the tool does not run, the grant for A is kept, the one for B is revoked, and the
 * message names both stores and how to change store on purpose. `login` while signed in
 * behaves the same unless --switch-store asks for another store.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBroker } from '../../src/auth/broker.js';
import { isWhataloError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { CHROMIUM_BROWSER, FETCH_BROWSER, followLikeBrowser, sandboxConfig, sandboxEnv, tempDir, useApprovingSandbox } from './kit.js';
import { CHROMIUM, describeWith } from '../helpers/requirements.js';

const figures = suiteFigures('auth/store-switch');
const sandbox = useApprovingSandbox();
const storeA = () => sandbox.stores[0]!;
const storeB = () => sandbox.stores[1]!;

beforeEach(async () => {
  await sandbox.authorization({ auto_approve: storeA().id, store_hint: 'honour' });
});

async function signedInBroker() {
  const dir = await tempDir();
  // A browser that follows the redirects: auto-approval, then the loopback callback.
  const openBrowser = async (url: string) => void followLikeBrowser(url).catch(() => {});
  const broker = createBroker(sandboxConfig(sandbox, dir), { logger: silentLogger, requestedScopes: ['read:store'], openBrowser });
  expect((await broker.ensureAccess('read:store')).storeId).toBe(storeA().id);
  return broker;
}

/** Active grants at the sandbox for `storeId` issued since `since` grants were listed. */
async function liveGrantsFor(storeId: string, since: number) {
  return (await sandbox.grants()).slice(since).filter((g) => g.store_id === storeId && !g.revoked && g.tokens.some((t) => t.active));
}

function expectRefusal(error: unknown): void {
  expect(isWhataloError(error, 'STORE_MISMATCH'), String(error)).toBe(true);
  const text = (error as { toUserText(): string }).toUserText();
  expect(text).toContain(storeA().id);
  expect(text).toContain(storeB().id);
  expect(text).toContain('whatalo-mcp logout');
}

describe('step-up through auto-approval', () => {
  it('names the store of the grant, and an AS that honours it approves that store', async () => {
    const broker = await signedInBroker();
    await sandbox.authorization({ auto_approve: storeB().id });
    const access = await broker.ensureAccess('write:customers');
    expect(access.storeId).toBe(storeA().id);
    expect(access.scopes).toContain('write:customers');
  });

  it('refuses a grant for another store from an AS that ignores the hint, and keeps the old grant', async () => {
    const broker = await signedInBroker();
    const since = (await sandbox.grants()).length;
    await sandbox.authorization({ auto_approve: storeB().id, store_hint: 'ignore' });
    const error = await broker.ensureAccess('write:customers').catch((e: unknown) => e);
    expectRefusal(error);
    figures.add('storeSwitchesRefused');
    // The connection is still to store A, read-only, and the grant for B is gone at the AS.
    const access = await broker.ensureAccess('read:store');
    expect(access.storeId).toBe(storeA().id);
    expect(access.scopes).not.toContain('write:customers');
    expect(await liveGrantsFor(storeB().id, since)).toEqual([]);
  });

  it('concurrent calls during the step-up: one flow, every write refused, reads still in store A', async () => {
    const broker = await signedInBroker();
    const before = await sandbox.stats();
    await sandbox.authorization({ auto_approve: storeB().id, store_hint: 'ignore' });
    const writes = await Promise.allSettled([1, 2, 3, 4].map(() => broker.ensureAccess('write:customers')));
    const read = await broker.ensureAccess('read:store');
    for (const outcome of writes) {
      expect(outcome.status).toBe('rejected');
      expectRefusal((outcome as PromiseRejectedResult).reason);
    }
    figures.add('storeSwitchesRefused', writes.length);
    expect(read.storeId).toBe(storeA().id);
    const after = await sandbox.stats();
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1);
  });
});

describe('login while signed in', () => {
  it('stays in the store it is signed in to unless --switch-store asks for another', async () => {
    const dir = await tempDir();
    const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
    expect((await runCli(['login', '--scopes', 'read:store'], { env })).code).toBe(0);
    await sandbox.authorization({ auto_approve: storeB().id, store_hint: 'ignore' });

    const again = await runCli(['login', '--scopes', 'read:store'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(storeA().id);
    expect(again.stderr).toContain(storeB().id);
    expect(again.stderr).toContain('--switch-store');
    figures.add('storeSwitchesRefused');
    expect(JSON.parse((await runCli(['status', '--json'], { env })).stdout)).toMatchObject({ signed_in: true, store_id: storeA().id });

    expect((await runCli(['login', '--scopes', 'read:store', '--switch-store'], { env })).code).toBe(0);
    expect(JSON.parse((await runCli(['status', '--json'], { env })).stdout)).toMatchObject({ signed_in: true, store_id: storeB().id });
  });
});

describeWith(CHROMIUM, 'step-up through the real consent page in headless chromium', () => {
  async function browserEnd(file: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 600; i++) {
      const lines = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      const end = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => 'final' in e || 'error' in e);
      if (end) return end;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the chromium fixture never finished');
  }

  /** Signed in read-only to store A (auto-approved); from then on the consent page is shown. */
  async function signedInCli(storeHint: 'honour' | 'ignore', chooseStore?: string) {
    const dir = await tempDir();
    const log = path.join(dir, '..', `${path.basename(dir)}-chromium.log`);
    const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
    expect((await runCli(['login', '--scopes', 'read:store'], { env })).code).toBe(0);
    await sandbox.authorization({ auto_approve: null, store_hint: storeHint });
    const stepUpEnv = {
      ...env,
      BROWSER: CHROMIUM_BROWSER,
      WHATALO_TEST_BROWSER_LOG: log,
      WHATALO_LOGIN_TIMEOUT: '50',
      ...(chooseStore ? { WHATALO_TEST_STORE_ID: chooseStore } : {}),
    };
    return { env, stepUpEnv, log };
  }

  it("the page offers the grant's store alone, preselected, and the category lands there", async () => {
    const { env, stepUpEnv, log } = await signedInCli('honour');
    const call = await runCli(['call', 'create_category', '{"name":"Prueba"}'], { env: stepUpEnv, timeoutMs: 58_000 });
    const end = await browserEnd(log);
    expect(end.error).toBeUndefined();
    expect(end).toMatchObject({ offered: [storeA().id], preselected: [storeA().id] });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse((await runCli(['status', '--json'], { env })).stdout)).toMatchObject({
      store_id: storeA().id,
      // Categories are products at Whatalo (CONTRACT AC2).
      scopes: expect.arrayContaining(['write:products']),
    });
  }, 60_000);

  it('choosing another store on a page that ignores the hint: the tool does not run, the old grant stays', async () => {
    const since = (await sandbox.grants()).length;
    const { env, stepUpEnv, log } = await signedInCli('ignore', storeB().id);
    const call = await runCli(['call', 'create_category', '{"name":"Prueba"}'], { env: stepUpEnv, timeoutMs: 58_000 });
    const end = await browserEnd(log);
    expect(end.error).toBeUndefined();
    expect(end.offered).toContain(storeB().id);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain(storeA().id);
    expect(call.stderr).toContain(storeB().id);
    expect(call.stderr).toContain('whatalo-mcp logout');
    figures.add('storeSwitchesRefused');
    expect(JSON.parse((await runCli(['status', '--json'], { env })).stdout)).toMatchObject({ signed_in: true, store_id: storeA().id, scopes: ['read:store'] });
    expect(await liveGrantsFor(storeB().id, since)).toEqual([]);
  }, 60_000);
});
