/**
 * Corrupt, truncated or foreign credential and config files, met by the real CLI (`status`,
 * `login`) and the real stdio server (`serve` + a tool call): each ends in a clear message
 * naming the file and the way out (delete it, run `whatalo-mcp login`, fix the key), never a
 * stack trace and never a token; stale or garbage lock files are taken over. The store-level
 * cases (wrong key, flipped bit, truncation in src/auth/credentials/file.ts) are in
 * test/auth/credentials-file.test.ts; these are the same failures as a merchant meets them.
 *
 * accounts.json belongs to the keychain store, which these tests cannot open without a Secret
 * Service; its corruption is covered where the keychain runs (test/auth/keychain.test.ts).
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { FETCH_BROWSER, sandboxEnv, textOf } from '../helpers/mcp.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { startServer, useSweptServers } from '../reliability/kit.js';

const figures = suiteFigures('security/corrupt-files');
const { outputs, sandbox } = useSweptServers(figures);
const KEY = 'corrupt-files-passphrase';
let sb: TestSandbox;
let pristine: string;

function envFor(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return sandboxEnv(sb, { WHATALO_CONFIG_DIR: dir, WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: KEY, BROWSER: FETCH_BROWSER, ...extra }) as Record<
    string,
    string
  >;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-corrupt-'));
  outputs.dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  sb = await sandbox({ autoApprove: 'first' });
  pristine = await tempDir();
  const login = await runCli(['login'], { env: envFor(pristine) });
  outputs.add('login stderr', login.stderr);
  expect(login.code, login.stderr).toBe(0);
  expect((await readdir(pristine)).sort()).toEqual(expect.arrayContaining(['clients.json', 'credentials.enc']));
});

/** A copy of the signed-in config dir with `damage` applied. */
async function damaged(damage: (dir: string) => Promise<void>): Promise<string> {
  const dir = await tempDir();
  await cp(pristine, dir, { recursive: true });
  await damage(dir);
  return dir;
}

const truncate = (file: string) => async (dir: string) => {
  const full = path.join(dir, file);
  const bytes = await readFile(full);
  await writeFile(full, bytes.subarray(0, Math.floor(bytes.length / 2)));
};
const replace = (file: string, content: string | Buffer) => async (dir: string) => {
  await writeFile(path.join(dir, file), content);
};

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at \S+ \(|\n\s+at file:|node:internal/);
}

const corruptions: [string, (dir: string) => Promise<void>, RegExp][] = [
  ['clients.json that is not JSON', replace('clients.json', '{"clients": [ this is not json'), /clients\.json/],
  ['clients.json truncated', truncate('clients.json'), /clients\.json/],
  ['clients.json of the wrong shape', replace('clients.json', '[1,2,3]'), /clients\.json/],
  ['clients.json empty', replace('clients.json', ''), /clients\.json/],
  ['credentials.enc truncated', truncate('credentials.enc'), /credentials\.enc/],
  ['credentials.enc garbage', replace('credentials.enc', Buffer.from('WMCPCRD1 not really a credential file at all')), /credentials\.enc/],
  ['credentials.enc empty', replace('credentials.enc', ''), /credentials\.enc/],
];

describe('corrupt files: a clear message naming the file and the way out, never a stack trace', () => {
  it.each(corruptions)('%s: status', async (_name, damage, names) => {
    const dir = await damaged(damage);
    const result = await runCli(['status'], { env: envFor(dir) });
    outputs.add('status stdout', result.stdout);
    outputs.add('status stderr', result.stderr);
    const text = result.stdout + result.stderr;
    expect(text).toMatch(names);
    expect(text).toMatch(/delete|remove|login|sign in/i);
    expectNoStack(text);
    figures.add('hostileInputs');
  });

  it.each(corruptions)('%s: serve + a tool call, then login repairs it', async (_name, damage, names) => {
    const dir = await damaged(damage);
    const session = await startServer(outputs, { env: envFor(dir, { WHATALO_LOGIN_TIMEOUT: '20' }) });
    try {
      const result = await session.call('get_store');
      const text = textOf(result);
      // Either the tool says what is wrong and how to get out, or (for a record that cannot be
      // read) the call signs in afresh and replaces it; never an internal error.
      if (result.isError) {
        expect(text).toMatch(names);
        expect(text).toMatch(/delete|remove|login|sign in/i);
      }
      expect(text).not.toMatch(/internal error/);
      expectNoStack(text + session.stderr());
    } finally {
      await session.close();
    }
    // The way out works: `login`, or, for a damaged credential file it will not overwrite
    // (it may hold other sign-ins), deleting the file it names and then `login`.
    let login = await runCli(['login'], { env: envFor(dir) });
    outputs.add('login stderr', login.stderr);
    expectNoStack(login.stderr);
    if (login.code !== 0) {
      const named = /Delete (\S+credentials\.enc) and sign in again \(run `whatalo-mcp login`\)/.exec(login.stderr);
      expect(named, login.stderr).not.toBeNull();
      await rm(named![1]!);
      login = await runCli(['login'], { env: envFor(dir) });
    }
    expect(login.code, login.stderr).toBe(0);
    const status = await runCli(['status', '--json'], { env: envFor(dir) });
    expect(JSON.parse(status.stdout)).toMatchObject({ signed_in: true });
    figures.add('hostileInputs');
  });

  it('the wrong passphrase names WHATALO_CREDENTIAL_KEY, and changes nothing on disk', async () => {
    const dir = await damaged(async () => {});
    const before = await readFile(path.join(dir, 'credentials.enc'));
    const result = await runCli(['status'], { env: envFor(dir, { WHATALO_CREDENTIAL_KEY: 'not-the-passphrase' }) });
    outputs.add('status stderr', result.stderr);
    const text = result.stdout + result.stderr;
    expect(text).toMatch(/WHATALO_CREDENTIAL_KEY/);
    expect(text).toMatch(/credentials\.enc/);
    expectNoStack(text);
    expect(await readFile(path.join(dir, 'credentials.enc'))).toEqual(before);
    figures.add('hostileInputs');
  });
});

describe('garbage and stale lock files are taken over', () => {
  const locks: [string, (dir: string) => Promise<void>][] = [
    [
      'a refresh lock of a dead process',
      async (dir) => {
        const { mkdir } = await import('node:fs/promises');
        await mkdir(path.join(dir, 'locks'), { recursive: true, mode: 0o700 });
        for (const kind of ['refresh', 'signin']) {
          const { lockPath } = await import('../../src/auth/session.js');
          await writeFile(
            lockPath(dir, kind as 'refresh', new URL(sb.issuer).href),
            JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname(), created_at: new Date().toISOString(), nonce: 'x' }),
            { mode: 0o600 },
          );
        }
      },
    ],
    ['a garbage credential-file lock', replace('credentials.enc.lock', 'garbage, not a lock record')],
  ];
  it.each(locks)('%s: the next call works', async (_name, damage) => {
    // A grant of its own (a shared refresh token would be rotated by the first case).
    const dir = await tempDir();
    const login = await runCli(['login'], { env: envFor(dir) });
    expect(login.code, login.stderr).toBe(0);
    await damage(dir);
    // Expire the access token at the AS so the call must take the refresh lock.
    await sb.advanceClock(3601);
    const session = await startServer(outputs, { env: envFor(dir, { WHATALO_INTROSPECTION_TTL: '0' }) });
    try {
      const result = await session.call('get_store');
      expect(result.isError, textOf(result)).toBeFalsy();
    } finally {
      await session.close();
    }
    figures.add('hostileInputs');
  });
});
