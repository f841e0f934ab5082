import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileStore } from '../../src/auth/credentials/file.js';
import { readRegisteredClient, saveRegisteredClient } from '../../src/auth/registration.js';
import { MIN_CREDENTIAL_KEY_LENGTH, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { assertBuilt, distUrl, runNode } from './child.js';

let dir: string;
let configDir: string;
let file: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'whatalo-file-store-'));
  configDir = path.join(dir, 'config');
  file = path.join(configDir, 'credentials.enc');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = (key: string | undefined = 'correct horse battery staple') => openFileStore({ configDir, key, logger: silentLogger });

async function modeOf(p: string): Promise<number> {
  return (await fs.stat(p)).mode & 0o777;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; hint?: string };
  }
  throw new Error('expected a rejection');
}

describe('encrypted file credential store', () => {
  it('round-trips, overwrites and deletes secrets, and a new instance with the same key reads them', async () => {
    const store = await open();
    expect(store.kind).toBe('file');
    expect(store.description).toBe(`encrypted file ${file}`);
    expect(await store.get('a')).toBeNull();
    await store.set('a', 'first');
    await store.set('a', 'second ✓');
    await store.set('b', 'other');
    expect(await store.get('a')).toBe('second ✓');
    expect(await store.accounts()).toEqual(['a', 'b']);
    expect(await store.delete('b')).toBe(true);
    expect(await store.delete('b')).toBe(false);

    const again = await open();
    expect(await again.get('a')).toBe('second ✓');
    expect(await again.get('b')).toBeNull();
    expect(await again.accounts()).toEqual(['a']);
  });

  it('never writes a secret in plain text and leaves no temp or lock file behind', async () => {
    const store = await open();
    await store.set('issuer client', 'plain-secret-value-that-must-not-appear');
    const bytes = await fs.readFile(file);
    expect(bytes.includes('plain-secret-value')).toBe(false);
    expect(bytes.includes('issuer client')).toBe(false);
    expect(await fs.readdir(configDir)).toEqual(['credentials.enc']);
  });

  it('keeps the file 0600 and its directory 0700, narrowing a directory that was too open', async () => {
    await fs.mkdir(configDir, { mode: 0o755 });
    await fs.chmod(configDir, 0o755);
    const store = await open();
    await store.set('a', 'x');
    expect(await modeOf(configDir)).toBe(0o700);
    expect(await modeOf(file)).toBe(0o600);
    await store.set('a', 'y'); // the atomic replace keeps the mode too
    expect(await modeOf(file)).toBe(0o600);
  });

  it('uses a fresh IV on every write', async () => {
    const store = await open();
    await store.set('a', 'same');
    const first = await fs.readFile(file);
    await store.set('a', 'same');
    const second = await fs.readFile(file);
    expect(first.equals(second)).toBe(false);
  });

  it('rejects a wrong key with a clear error and leaves the file as it was', async () => {
    await (await open()).set('a', 'kept');
    const before = await fs.readFile(file);
    const error = await rejection(open('a different passphrase'));
    expect(error).toMatchObject({ code: 'CREDENTIAL_STORE' });
    expect(error.message).toBe(`WHATALO_CREDENTIAL_KEY does not decrypt ${file} (a different passphrase, or the file was altered).`);
    expect(error.hint).toMatch(/delete .*credentials\.enc and sign in again/);
    expect((await fs.readFile(file)).equals(before)).toBe(true);
  });

  it('does not clobber a file written under another key (a set() with the wrong key fails)', async () => {
    const wrong = await open('key one'); // opened before any file existed
    await (await open('key two')).set('theirs', 'precious');
    const before = await fs.readFile(file);
    const error = await rejection(wrong.set('mine', 'x'));
    expect(error).toMatchObject({ code: 'CREDENTIAL_STORE' });
    expect(error.message).toMatch(/^WHATALO_CREDENTIAL_KEY does not decrypt/);
    expect(await rejection(wrong.delete('theirs'))).toMatchObject({ code: 'CREDENTIAL_STORE' });
    expect((await fs.readFile(file)).equals(before)).toBe(true);
    expect(await (await open('key two')).get('theirs')).toBe('precious');
  });

  it('reports a truncated or garbage file as damaged, naming the file and the way out, and overwrites nothing', async () => {
    const store = await open();
    await store.set('a', 'x'.repeat(200));
    const whole = await fs.readFile(file);

    for (const [bytes, why] of [
      [whole.subarray(0, whole.length - 10), /is damaged: it is truncated/],
      [whole.subarray(0, 20), /is damaged: it is not a whatalo-mcp credential file or it is truncated/],
      [Buffer.from('{"a": "plain json is not accepted"}'), /is damaged: it is not a whatalo-mcp credential file/],
      [Buffer.alloc(0), /is damaged/],
    ] as const) {
      await fs.writeFile(file, bytes);
      for (const attempt of [() => open(), () => store.get('a'), () => store.set('b', 'y')]) {
        const error = await rejection(attempt());
        expect(error).toMatchObject({ code: 'CREDENTIAL_STORE' });
        expect(error.message).toContain(file);
        expect(error.message).toMatch(why);
        expect(error.hint).toBe(`Delete ${file} and sign in again (run \`whatalo-mcp login\`).`);
      }
      expect((await fs.readFile(file)).equals(bytes)).toBe(true);
    }
  });

  it('detects a flipped ciphertext bit as not decryptable (authenticated encryption)', async () => {
    await (await open()).set('a', 'secret');
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 1]! ^= 0x01;
    await fs.writeFile(file, bytes);
    expect((await rejection(open())).message).toMatch(/does not decrypt/);
  });

  it('refuses to open without a passphrase', async () => {
    const error = await rejection(openFileStore({ configDir, key: undefined, logger: silentLogger }));
    expect(error).toMatchObject({ code: 'CREDENTIAL_STORE' });
    expect(error.hint).toMatch(/WHATALO_CREDENTIAL_KEY/);
  });

  it('loses no account when two processes write at the same time', async () => {
    assertBuilt(['auth/credentials/file', 'auth/lock', 'auth/credentials/private-file']);
    await (await open()).set('seed', 'present before');
    const writer = (who: string) => `
      const { openFileStore } = await import(${JSON.stringify(distUrl('auth/credentials/file'))});
      const { silentLogger } = await import(${JSON.stringify(distUrl('log'))});
      const store = await openFileStore({ configDir: process.env.DIR, key: 'correct horse battery staple', logger: silentLogger });
      for (let i = 0; i < 15; i++) await store.set('${who}-' + i, '${who} secret ' + i);
    `;
    const results = await Promise.all([runNode(writer('one'), { DIR: configDir }), runNode(writer('two'), { DIR: configDir })]);
    for (const r of results) expect(r.stderr).toBe('');
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const store = await open();
    const accounts = await store.accounts();
    expect(accounts).toHaveLength(31);
    expect(accounts).toContain('seed');
    for (const who of ['one', 'two']) for (let i = 0; i < 15; i++) expect(await store.get(`${who}-${i}`)).toBe(`${who} secret ${i}`);
  });
});

describe('a credential file someone else planted, widened or weakened', () => {
  /** The header's scrypt parameters sit right after the 8-byte magic: log2 N, r, p. */
  async function rewriteParams(logN: number, r: number, p: number): Promise<void> {
    const bytes = await fs.readFile(file);
    bytes.writeUInt8(logN, 8);
    bytes.writeUInt8(r, 9);
    bytes.writeUInt8(p, 10);
    await fs.writeFile(file, bytes);
  }

  it('refuses scrypt parameters other than the ones this version writes, before deriving any key', async () => {
    const store = await open();
    await store.set('a', 'x');
    // Cheap variations, so the old behaviour (derive first, then fail to decrypt) stays quick;
    // a planted N = 2^22 cost 20 s and 4 GB that way.
    for (const [logN, r, p] of [
      [16, 8, 1],
      [15, 9, 1],
      [15, 8, 2],
      [14, 8, 1],
    ] as const) {
      await rewriteParams(logN, r, p);
      const error = await rejection(open());
      expect(error.code).toBe('CREDENTIAL_STORE');
      expect(error.message).toContain(
        `its key-derivation parameters (N = 2^${logN}, r = ${r}, p = ${p}) are not the ones whatalo-mcp writes (N = 2^15, r = 8, p = 1)`,
      );
    }
    await rewriteParams(15, 8, 1);
    expect(await (await open()).get('a')).toBe('x');
  });

  it('refuses a symlinked credentials.enc and leaves the file it points to untouched', async () => {
    // A real credential file elsewhere, readable by others, and a link to it in the config dir.
    const elsewhere = path.join(dir, 'elsewhere');
    await (await openFileStore({ configDir: elsewhere, key: 'correct horse battery staple', logger: silentLogger })).set('a', 'x');
    const target = path.join(elsewhere, 'credentials.enc');
    await fs.chmod(target, 0o644);
    await fs.mkdir(configDir, { recursive: true });
    await fs.symlink(target, file);
    const error = await rejection(open());
    expect(error.code).toBe('CREDENTIAL_STORE');
    expect(error.message).toBe(`${file} is a symbolic link; whatalo-mcp keeps credentials only in a regular file of its own, so it refuses to use it.`);
    expect(await modeOf(target)).toBe(0o644);
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true);
  });

  it('narrows a credentials.enc and a clients.json that others could read back to 0600', async () => {
    await (await open()).set('a', 'x');
    await saveRegisteredClient(configDir, 'http://127.0.0.1:9/', {
      client_id: 'cli_1',
      token_endpoint_auth_method: 'client_secret_basic',
      client_id_issued_at: null,
      client_secret_expires_at: null,
      redirect_uris: ['http://127.0.0.1:49152/callback'],
      scope: 'read:store',
    });
    const clients = path.join(configDir, 'clients.json');
    await fs.chmod(file, 0o644);
    await fs.chmod(clients, 0o666);
    await open();
    expect(await readRegisteredClient(configDir, 'http://127.0.0.1:9/')).toMatchObject({ client_id: 'cli_1' });
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(clients)).toBe(0o600);
  });

  it(`refuses a WHATALO_CREDENTIAL_KEY shorter than ${MIN_CREDENTIAL_KEY_LENGTH} characters, a lone space included`, () => {
    for (const key of [' ', 'k', '   short   ', 'elevenchars']) {
      const env = { WHATALO_CONFIG_DIR: configDir, WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: key };
      expect(() => loadConfig(env)).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          message: expect.stringContaining(`WHATALO_CREDENTIAL_KEY must be at least ${MIN_CREDENTIAL_KEY_LENGTH} characters`),
        }),
      );
    }
    expect(loadConfig({ WHATALO_CONFIG_DIR: configDir, WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'twelve chars' }).credentialKey).toBe(
      'twelve chars',
    );
  });
});
