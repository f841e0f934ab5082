/**
 * The keychain store against a real Secret Service (gnome-keyring) on a private D-Bus
 * session: never the user's own keychain. Each run gets fresh HOME, XDG_DATA_HOME and
 * XDG_RUNTIME_DIR; the daemon is unlocked with a password on stdin (an empty one makes it
 * wait for a GUI prompt). The store is exercised through the built dist/ by a fixture
 * script, as the real server would use it.
 *
 * Skips with a reason when dbus-run-session or gnome-keyring-daemon is missing, unless
 * WHATALO_TEST_REQUIRE_KEYCHAIN=1 (CI), where it fails instead.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, root } from './child.js';
import { SECRET_SERVICE, describeWith } from '../helpers/requirements.js';
const fixture = path.join(root, 'test/fixtures/keychain-store.mjs');

describeWith(SECRET_SERVICE, 'keychain store on a real Secret Service', () => {
  let tmp: string;
  const runId = randomUUID();

  beforeAll(async () => {
    assertBuilt(['auth/credentials/index', 'auth/credentials/keychain', 'auth/credentials/private-file', 'auth/lock', 'config']);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'whatalo-keychain-'));
  });

  afterAll(async () => {
    // Nothing we started may survive: every process carrying our run id in its environment.
    expect(await survivors(runId)).toEqual([]);
    await fs.rm(tmp, { recursive: true, force: true });
  });

  /** Runs a bash script inside a fresh D-Bus session with its own keyring dirs; returns every RESULT line. */
  async function inSession(name: string, script: string): Promise<Record<string, any>[]> {
    const home = path.join(tmp, name);
    const runtime = path.join(home, 'run');
    await fs.mkdir(runtime, { recursive: true, mode: 0o700 });
    await fs.chmod(runtime, 0o700);
    const env = baseEnv(home, {
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: path.join(home, 'data'),
    });
    const { stdout, code, stderr } = await run('dbus-run-session', ['--', 'bash', '-euo', 'pipefail', '-c', script], env);
    expect(code, `session script failed: ${stderr}`).toBe(0);
    return results(stdout);
  }

  function baseEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: home,
      WHATALO_CONFIG_DIR: path.join(home, 'config'),
      WHATALO_CREDENTIAL_STORE: 'keychain',
      WHATALO_KEYCHAIN_TEST_RUN: runId,
      FIXTURE: fixture,
      ...extra,
    };
  }

  // Unlocks (or creates) the login keyring; the password comes on stdin. --replace restarts
  // the daemon, which re-reads the keyring from disk: how we unlock again after a lock.
  const START = 'eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets --daemonize)"';
  const RESTART = 'eval "$(printf %s test-password | gnome-keyring-daemon --replace --unlock --components=secrets --daemonize)"';

  it('stores, reads, overwrites and deletes secrets, keeps an account list without secrets, and persists across processes', async () => {
    const [first, second] = await inSession('roundtrip', `${START}; node "$FIXTURE" roundtrip; node "$FIXTURE" read`);
    expect(first!.open).toEqual({ ok: true, kind: 'keychain', description: 'OS keychain (Secret Service)' });
    expect(first).toMatchObject({
      getMissing: null,
      afterSet: 'first secret',
      afterOverwrite: 'second secret ✓ ünïcödé',
      bigRoundTrip: true,
      hugeStored: null,
      accounts: ['big', 'http://127.0.0.1:1 client_A'],
      accountsFileHasSecret: false,
      accountsFileMode: '600',
      configDirMode: '700',
      deleteBig: true,
      deleteBigAgain: false,
      getBigAfterDelete: null,
      accountsAfterDelete: ['http://127.0.0.1:1 client_A'],
    });
    expect(first!.tooBig).toMatchObject({ ok: false, code: 'CREDENTIAL_STORE' });
    expect(first!.tooBig.message).toMatch(/2561 bytes, more than the 2560 bytes/);
    // A second process sees what the first stored: it is in the keyring, not in memory.
    expect(second).toMatchObject({ persisted: 'survives the process', accounts: ['http://127.0.0.1:1 client_A', 'persisted'] });
  });

  it('names each grant readably in the keychain (the label Seahorse shows)', async () => {
    const [result] = await inSession('label', `${START}; node "$FIXTURE" label`);
    expect(result!.labels).toEqual([
      'keyring:Whatalo sign-in for app.whatalo.com (client abc123)@whatalo-mcp',
      'keyring:Whatalo sign-in for http://127.0.0.1:8080/mcp via app.whatalo.com (client def456)@whatalo-mcp',
    ]);
    expect(result!.read).toBe('a grant');
    // The store's own account names (accounts.json, what the broker asks for) are unchanged.
    expect(result!.accounts).toEqual(['http://127.0.0.1:8080/mcp https://app.whatalo.com/ def456', 'https://app.whatalo.com/ abc123']);
  });

  it("finds an entry under an older version's name, moves it to the readable one, and leaves no old copy", async () => {
    const [result] = await inSession('migrate', `${START}; node "$FIXTURE" migrate`);
    expect(result!.labelsBefore).toEqual([1, 2, 3].map((n) => `keyring:https://app.whatalo.com/ old${n}${n}${n}@whatalo-mcp`));
    expect(result).toMatchObject({ read: 'stored by an older version', deleted: true, readAgain: 'stored by an older version', replaced: 'new tokens' });
    expect(result!.labelsAfter).toEqual([
      'keyring:Whatalo sign-in for app.whatalo.com (client old111)@whatalo-mcp',
      'keyring:Whatalo sign-in for app.whatalo.com (client old222)@whatalo-mcp',
    ]);
    expect(result!.oldLeft).toEqual([false, false, false]);
  });

  it('reports a keyring locked mid-session as a clear error and loses nothing', async () => {
    const [locked, after] = await inSession('locked', `${START}; node "$FIXTURE" lock-mid-session; ${RESTART}; node "$FIXTURE" read`);
    for (const op of ['get', 'set', 'delete', 'setOther'] as const) {
      expect(locked![op], op).toMatchObject({ ok: false, code: 'CREDENTIAL_STORE' });
      expect(locked![op].message).toMatch(/OS keychain \(Secret Service\)/);
      expect(locked![op].hint).toMatch(/WHATALO_CREDENTIAL_STORE=file/);
    }
    expect(locked!.accounts).toEqual(['kept']);
    // Unlocked again: the secret is the one stored before the lock, and nothing else appeared.
    expect(after).toMatchObject({ kept: 'must survive the locked keyring', accounts: ['kept'] });
  });

  it('refuses to open a locked keyring, naming the other stores', async () => {
    const [result] = await inSession('locked-open', `${START}; node "$FIXTURE" lock-before-open`);
    expect(result!.open).toMatchObject({ ok: true });
    expect(result!.openLocked).toMatchObject({ ok: false, code: 'CREDENTIAL_STORE' });
    expect(result!.openLocked.message).toMatch(/OS keychain \(Secret Service\) is not available/);
    expect(result!.openLocked.hint).toMatch(/WHATALO_CREDENTIAL_STORE=file with WHATALO_CREDENTIAL_KEY/);
    expect(result!.openLocked.hint).toMatch(/WHATALO_CREDENTIAL_STORE=memory/);
  });

  it('refuses to open when D-Bus is unreachable or absent, without crashing', async () => {
    const home = path.join(tmp, 'no-dbus');
    await fs.mkdir(home, { recursive: true });
    for (const address of [`unix:path=${path.join(home, 'no-such-socket')}`, undefined]) {
      const env = baseEnv(home, address ? { DBUS_SESSION_BUS_ADDRESS: address } : {});
      const { stdout, code } = await run('node', [fixture, 'open'], env);
      expect(code).toBe(0);
      const [result] = results(stdout);
      expect(result!.open).toMatchObject({ ok: false, code: 'CREDENTIAL_STORE' });
      expect(result!.open.message).toMatch(/OS keychain \(Secret Service\) is not available/);
      expect(result!.open.hint).toMatch(/WHATALO_CREDENTIAL_STORE=memory/);
    }
    // Never a silent fallback: nothing was written anywhere.
    expect(existsSync(path.join(home, 'config', 'accounts.json'))).toBe(false);
    expect(existsSync(path.join(home, 'config', 'credentials.enc'))).toBe(false);
  });
});

function results(stdout: string): Record<string, any>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('RESULT '))
    .map((line) => JSON.parse(line.slice('RESULT '.length)) as Record<string, any>);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

/** Processes (not zombies) whose environment carries our run id; waits a little for the session to wind down. */
async function survivors(runId: string): Promise<string[]> {
  const marker = `WHATALO_KEYCHAIN_TEST_RUN=${runId}`;
  let found: string[] = [];
  for (let i = 0; i < 50; i++) {
    found = [];
    for (const pid of await fs.readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(pid)) continue;
      const environ = await fs.readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
      if (environ.split('\0').includes(marker)) {
        const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
        found.push(`${pid} ${cmd.replaceAll('\0', ' ').trim()}`);
      }
    }
    if (found.length === 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return found;
}
