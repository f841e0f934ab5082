/**
 * The server killed with SIGKILL in the middle of a refresh, then started again on the same
 * encrypted credential file: it works, or it says clearly to sign in again; never a corrupt
 * store, never a silent hang; the lock the dead process held is taken over.
 *
 * The refresh is held open by a latency fault on the token endpoint, so the kill lands while
 * the refresh request is in flight and the refresh lock is held. Two outcomes at the AS:
 * - the AS never completed the refresh (the client died first): the stored refresh token is
 *   still good, and the restarted server must simply work;
 * - the AS completed it but the answer was lost with the process: the stored refresh token
 *   was rotated away, presenting it is a replay (CONTRACT A10), and the restarted server must
 *   say clearly to sign in again, and then be able to.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileStore } from '../../src/auth/credentials/file.js';
import { grantAccount, readStoredGrant } from '../../src/auth/grant.js';
import { readRegisteredClient } from '../../src/auth/registration.js';
import { silentLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { clearFaults, listFaults, setFaults } from '../helpers/faults.js';
import { suiteFigures } from '../helpers/figures.js';
import { sandboxEnv, textOf } from '../helpers/mcp.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { type SweptServer, expectActionableError, useSweptServers } from './kit.js';

const figures = suiteFigures('reliability/sigkill');
const suite = useSweptServers(figures);
const { outputs } = suite;
const KEY = 'sigkill-suite-passphrase';

async function setup() {
  const sb = await suite.sandbox({ autoApprove: 'first' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-sigkill-'));
  outputs.dirs.push(dir);
  const env = sandboxEnv(sb, { WHATALO_CONFIG_DIR: dir, WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: KEY, WHATALO_INTROSPECTION_TTL: '0' });
  const start = () => suite.server({ env });
  return { sb, dir, env, start };
}

/** Signs in, expires the access token at the AS, and SIGKILLs the server while its refresh is in flight. */
async function killDuringRefresh(sb: TestSandbox, dir: string, start: () => Promise<SweptServer>): Promise<void> {
  const first = await start();
  const signedIn = await first.call('get_store');
  expect(signedIn.isError, textOf(signedIn)).toBeFalsy();
  await sb.advanceClock(3601);
  await setFaults(sb.issuer, [{ path: '/oauth/token', latency_ms: 60_000 }]);
  const pending = first.call('get_store').catch((error: unknown) => error);
  await expect.poll(async () => (await listFaults(sb.issuer))[0]!.matched, { timeout: 20_000 }).toBe(1);
  // The refresh lock is held by the process we are about to kill.
  const locks = await readdir(path.join(dir, 'locks'));
  expect(locks.some((name) => name.startsWith('refresh-'))).toBe(true);
  process.kill(first.pid(), 'SIGKILL');
  expect(String(await pending)).toMatch(/closed|Connection/i);
  await first.close();
  figures.add('faultsSurvived');
}

describe('SIGKILL during a refresh, then a restart on the same credential file', () => {
  it('the AS never completed the refresh: the restarted server takes over the stale lock and works', async () => {
    const { sb, dir, env, start } = await setup();
    await killDuringRefresh(sb, dir, start);
    // The held request is abandoned by the sandbox: its client is gone.
    await clearFaults(sb.issuer);
    expect((await sb.stats()).refreshes).toBe(0);

    const second = await start();
    const result = await second.call('get_store');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((result.structuredContent as { store: { id: string } }).store.id).toBe(sb.stores[0]!.id);
    expect((await sb.stats()).refreshes).toBe(1);
    expect((await sb.grants()).filter((g) => g.revoked)).toEqual([]);

    // The file store decrypts and `status` sees the grant from another process too.
    const status = await runCli(['status', '--json'], { env });
    outputs.add('status stdout', status.stdout);
    outputs.add('status stderr', status.stderr);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: true, store_id: sb.stores[0]!.id });
  });

  it('the AS completed the refresh but the answer died with the process: the restart says clearly to sign in again, and can', async () => {
    const { sb, dir, env, start } = await setup();
    await killDuringRefresh(sb, dir, start);
    await clearFaults(sb.issuer);
    // What the AS would have done had the request arrived whole: rotate the refresh token.
    // (Done here as the client would have, with the stored secret; the new tokens are thrown away.)
    const store = await openFileStore({ configDir: dir, key: KEY, logger: silentLogger });
    const issuer = new URL(sb.issuer).href;
    const client = (await readRegisteredClient(dir, issuer))!;
    const grant = (await readStoredGrant(store, grantAccount(issuer, client.client_id)))!;
    const rotated = await fetch(`${sb.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(grant.client_secret!)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.tokens!.refresh_token! }),
    });
    expect(rotated.status).toBe(200);
    await rotated.arrayBuffer();

    const second = await start();
    expectActionableError(await second.call('get_store'), /revoked or has expired.*sign in again/is);
    // No loop: one refresh attempt for that call.
    // Signing in again (the next call does it through the stand-in browser) works.
    const again = await second.call('get_store');
    expect(again.isError, textOf(again)).toBeFalsy();
    const status = await runCli(['status', '--json'], { env });
    outputs.add('status stdout', status.stdout);
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: true });
  });
});
