/**
 * `whatalo-mcp logout`: revokes every token of the grant with client authentication, then
 * deletes it here; when Whatalo is out of reach it still deletes, and says so.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openCredentialStore } from '../../src/auth/credentials/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { FETCH_BROWSER, sandboxEnv, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();

async function signedInDir() {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  const clientId = (await sandbox.grants()).at(-1)!.client_id;
  return { dir, env, clientId };
}

async function expectNothingStored(dir: string, env: Record<string, string>) {
  expect(existsSync(path.join(dir, 'clients.json'))).toBe(false);
  const store = await openCredentialStore(loadConfig(env), { logger: silentLogger });
  expect(await store.accounts()).toEqual([]);
}

it('leaves every token of the grant inactive at the AS and nothing stored', async () => {
  const { dir, env, clientId } = await signedInDir();
  const before = await sandbox.stats();
  const result = await runCli(['logout'], { env });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Signed out: the tokens were revoked at Whatalo');
  expect((await sandbox.stats()).revocations - before.revocations).toBe(2);
  const grants = (await sandbox.grants()).filter((g) => g.client_id === clientId);
  expect(grants).toHaveLength(1);
  expect(grants[0]!.tokens.map((t) => t.active)).toEqual([false, false]);
  await expectNothingStored(dir, env);
  const status = await runCli(['status', '--json'], { env });
  expect(status.code).toBe(1);
  expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: false, store_id: null, scopes: [] });
  // Twice is fine.
  expect((await runCli(['logout'], { env })).stdout).toContain('nothing to sign out of');
});

it('when the AS is unreachable, deletes locally and says revocation did not reach Whatalo', async () => {
  const { dir, env, clientId } = await signedInDir();
  await setFaults(sandbox, [{ path: '/oauth/revoke', down: true }]);
  try {
    const result = await runCli(['logout'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('revocation did not reach Whatalo');
    expect(result.stdout).toContain('Connected apps');
  } finally {
    await setFaults(sandbox, []);
  }
  await expectNothingStored(dir, env);
  // The tokens are still live at the AS, exactly as the message says.
  const grant = (await sandbox.grants()).find((g) => g.client_id === clientId)!;
  expect(grant.tokens.some((t) => t.active)).toBe(true);
});

it('with clients.json corrupt, still revokes the grant at the AS and removes it, and says so truthfully', async () => {
  const { dir, env, clientId } = await signedInDir();
  await writeFile(path.join(dir, 'clients.json'), '{"clients": [not json');
  const result = await runCli(['logout'], { env });
  expect(result.stdout).toContain('Signed out: the tokens were revoked at Whatalo');
  expect(result.code).toBe(0);
  // What the message says happened: every token inactive at the AS, nothing left in the store.
  const grants = (await sandbox.grants()).filter((g) => g.client_id === clientId);
  expect(grants.flatMap((g) => g.tokens.map((t) => t.active))).toEqual([false, false]);
  const store = await openCredentialStore(loadConfig(env), { logger: silentLogger });
  expect(await store.accounts()).toEqual([]);
});
