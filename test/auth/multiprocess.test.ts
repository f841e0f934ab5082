/**
 * Several whatalo-mcp processes sharing one config dir and one grant (a desktop host spawns
 * one per window): they refresh once and keep the grant alive, and they open one sign-in.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { FETCH_BROWSER, sandboxEnv, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();
afterAll(() => setFaults(sandbox, []));

async function launches(log: string): Promise<number> {
  const text = await fs.readFile(log, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.includes('"launched"')).length;
}

it('two processes refreshing the same stored grant at the same moment both end with working tokens and the grant alive', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER });
  expect((await runCli(['login'], { env })).code).toBe(0);
  // The AS's clock passes the access token's expiry; introspection then calls it inactive,
  // and each process refreshes. The token endpoint is slowed so both are in it at once.
  await sandbox.advanceClock(3601);
  await setFaults(sandbox, [{ path: '/oauth/token', latency_ms: 700 }]);
  const before = await sandbox.stats();
  const [a, b] = await Promise.all([runCli(['status', '--json'], { env }), runCli(['status', '--json'], { env })]);
  await setFaults(sandbox, []);
  expect(a.stderr + b.stderr).not.toContain('unexpected error');
  const reports = [a, b].map((r) => JSON.parse(r.stdout) as { signed_in: boolean; store_id: string });
  expect(reports.map((r) => r.signed_in)).toEqual([true, true]);
  expect(reports.map((r) => r.store_id)).toEqual([sandbox.stores[0]!.id, sandbox.stores[0]!.id]);
  const after = await sandbox.stats();
  expect(after.refreshes - before.refreshes).toBe(1);
  const grants = await sandbox.grants();
  const live = grants.filter((g) => !g.revoked && g.tokens.some((t) => t.kind === 'refresh' && t.active));
  expect(live).toHaveLength(1);
  // And a third process later still works with what they stored.
  expect((await runCli(['status'], { env })).code).toBe(0);
});

it('two processes that both need sign-in open one flow and both end signed in', async () => {
  const dir = await tempDir();
  const log = `${dir}-browser.log`;
  const gate = `${dir}-gate`;
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER, WHATALO_TEST_BROWSER_LOG: log, WHATALO_TEST_BROWSER_GATE: gate });
  const before = await sandbox.stats();
  const first = spawnCli(['login', '--timeout', '40'], { env });
  const second = spawnCli(['login', '--timeout', '40'], { env });
  try {
    // One holds the flow (its browser waits at the gate); the other says it waits for it.
    await Promise.any([first.waitForStderr(/Another whatalo-mcp is signing in/), second.waitForStderr(/Another whatalo-mcp is signing in/)]);
    for (let i = 0; i < 200 && (await launches(log)) < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await fs.writeFile(gate, 'go');
    const results = await Promise.all([first.result, second.result]);
    for (const result of results) {
      expect(result.stdout).toContain('Signed in to Whatalo as');
      expect(result.code).toBe(0);
    }
  } finally {
    first.kill();
    second.kill();
  }
  expect(await launches(log)).toBe(1);
  const after = await sandbox.stats();
  expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1);
  expect(after.registrations - before.registrations).toBe(1);
  expect((await runCli(['status'], { env })).code).toBe(0);
  expect(existsSync(path.join(dir, 'locks'))).toBe(true);
  expect(await fs.readdir(path.join(dir, 'locks'))).toEqual([]);
});
