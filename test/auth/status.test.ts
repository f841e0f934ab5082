/**
 * `whatalo-mcp status`: from introspection, never a token; --json is one object on stdout.
 */
import { expect, it } from 'vitest';
import { openCredentialStore } from '../../src/auth/credentials/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { FETCH_BROWSER, sandboxEnv, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();

it('when never signed in: exit 1, signed_in false, the command that fixes it', async () => {
  const env = sandboxEnv(sandbox, await tempDir());
  const json = await runCli(['status', '--json'], { env });
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as Record<string, unknown>;
  expect(report).toMatchObject({ signed_in: false, store_id: null, scopes: [], issuer: new URL(sandbox.issuer).href });
  expect(String(report.reason)).toContain('whatalo-mcp login');
  const human = await runCli(['status'], { env });
  expect(human.stdout).toContain('Not signed in');
  expect(human.stderr).not.toContain('Not signed in');
  // Said once: the heading names the issuer, the next line only the way out.
  expect(human.stdout.match(/Not signed in/g)).toHaveLength(1);
  expect(human.stdout).toContain('Run `whatalo-mcp login` to sign in.');
});

it('shows the store without its name when the API cannot be reached (best effort), and the credential store', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  await setFaults(sandbox, [{ path: '/api/v1/*', status: 500 }]);
  try {
    const json = await runCli(['status', '--json'], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ signed_in: true, store_id: sandbox.stores[0]!.id, store_name: null, merchant: sandbox.merchant });
    expect(report.credential_store).toBe(`encrypted file ${dir}/credentials.enc`);
    expect(Date.parse(String(report.expires_at))).toBeGreaterThan(0);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
  } finally {
    await setFaults(sandbox, []);
  }
});

it('a corrupt credential record is a clear error with the way out, and logout clears it', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  // Overwrite the record through the store itself with something that is not a grant.
  const store = await openCredentialStore(loadConfig(env), { logger: silentLogger });
  const [account] = await store.accounts();
  await store.set(account!, '{"version": 1, "client_secret": ""}');
  const status = await runCli(['status'], { env });
  expect(status.code).toBe(1);
  expect(status.stderr).toMatch(/stored Whatalo credentials .* are unreadable .*Run `whatalo-mcp logout`/s);
  const logout = await runCli(['logout'], { env });
  expect(logout.code).toBe(0);
  expect(logout.stdout).toContain('unreadable');
  expect((await runCli(['status'], { env })).stdout).toContain('Not signed in');
  expect((await runCli(['login'], { env })).code).toBe(0);
});
