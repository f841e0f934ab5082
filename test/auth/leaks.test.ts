/**
 * The token-leak sweep over everything a person's session leaves behind: the CLI's stdout
 * and stderr (debug logging on), in-process log lines, and every file in the config dir,
 * across sign-in, status, a silent refresh, a step-up and sign-out. No token the sandbox
 * issued may appear in any of it.
 */
import { expect, it } from 'vitest';
import { createBroker } from '../../src/auth/broker.js';
import { createLogger } from '../../src/log.js';
import { runCli } from '../helpers/cli.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { FETCH_BROWSER, approvingPerson, sandboxConfig, sandboxEnv, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();

it('finds a token when one is there (the sweep can fail)', async () => {
  const config = sandboxConfig(sandbox, await tempDir());
  const broker = createBroker(config, { logger: createLogger({ write: () => {} }), requestedScopes: ['read:store'] });
  const { accessToken } = await broker.ensureAccess('read:store', approvingPerson);
  await broker.close();
  const report = await sweepForTokens(sandbox, { texts: { planted: `x${accessToken}y` } });
  expect(report.leaks).toHaveLength(1);
});

it('no token in stdout, stderr, logs or the config dir across a whole session', async () => {
  const dir = await tempDir();
  const env = sandboxEnv(sandbox, dir, { BROWSER: FETCH_BROWSER, WHATALO_LOG_LEVEL: 'debug' });
  const texts: Record<string, string> = {};
  const run = async (name: string, args: string[]) => {
    const result = await runCli(args, { env });
    texts[`${name} stdout`] = result.stdout;
    texts[`${name} stderr`] = result.stderr;
    return result;
  };
  expect((await run('login', ['login'])).code).toBe(0);
  expect((await run('status', ['status'])).code).toBe(0);
  expect((await run('status --json', ['status', '--json'])).code).toBe(0);
  await sandbox.advanceClock(3601);
  expect((await run('status after expiry', ['status', '--json'])).code).toBe(0);

  // In-process: a step-up, with every log line kept.
  const lines: string[] = [];
  const config = sandboxConfig(sandbox, dir, { WHATALO_CREDENTIAL_STORE: 'file' });
  const broker = createBroker(config, { logger: createLogger({ level: 'debug', write: (l) => void lines.push(l) }), requestedScopes: ['read:store'] });
  const access = await broker.ensureAccess('write:products', approvingPerson);
  expect(access.scopes).toContain('write:products');
  await broker.close();
  texts['broker log'] = lines.join('\n');
  const beforeLogout = await sweepForTokens(sandbox, { texts, dirs: [dir] });

  expect((await run('logout', ['logout'])).code).toBe(0);
  const report = await sweepForTokens(sandbox, { texts, dirs: [dir] });
  expect(report.tokens).toBeGreaterThanOrEqual(6); // two grants, a refresh: real tokens were compared
  expect(beforeLogout.checked).toBeGreaterThan(0); // the printed URLs' state and code_challenge have the shape
  expect(beforeLogout.leaks).toEqual([]);
  expect(report.leaks).toEqual([]);
});
