/**
 * The encrypted-file store (WHATALO_CREDENTIAL_STORE=file): one file, credentials.enc, holding
 * a JSON map account → secret, sealed with AES-256-GCM under a key derived by scrypt from
 * WHATALO_CREDENTIAL_KEY. For machines without a usable OS keychain (headless Linux, CI).
 *
 * Layout (all of it before the tag is authenticated as AAD, so a tampered header fails too):
 *   magic "WMCPCRD1" | log2 N, r, p (1 byte each) | salt (16) | iv (12) | length (u32 BE) | tag (16) | ciphertext
 * The salt is chosen once per file; the IV is fresh on every write. The length field tells a
 * truncated file (corrupt) from a wrong key, which GCM alone cannot.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import path from 'node:path';
import { WhataloError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { withLock } from '../lock.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFileAtomic } from './private-file.js';
import type { CredentialStore } from './types.js';

export const CREDENTIAL_FILE_NAME = 'credentials.enc';

const MAGIC = Buffer.from('WMCPCRD1', 'latin1');
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 3 + SALT_BYTES + IV_BYTES + 4;
/** scrypt cost: N = 2^15, r = 8, p = 1 (≈32 MiB, ~0.1 s): the OWASP floor for interactive use. The only
 *  parameters a file may carry: raising them is a new file version, never a header value read on trust. */
const DEFAULT_PARAMS = { logN: 15, r: 8, p: 1 } as const;
/** Writers on other processes hold the file lock for milliseconds; waiting longer means a stuck peer. */
const LOCK_WAIT_MS = 15_000;

interface KdfParams {
  logN: number;
  r: number;
  p: number;
}

interface Sealed {
  params: KdfParams;
  salt: Buffer;
}

export interface FileStoreOptions {
  configDir: string;
  key: string | undefined;
  logger: Logger;
}

/** Opens the encrypted credential file in configDir; checks the key against an existing file right away. */
export async function openFileStore(options: FileStoreOptions): Promise<CredentialStore> {
  const passphrase = options.key;
  if (!passphrase) {
    throw new WhataloError('CREDENTIAL_STORE', 'The encrypted-file credential store needs a passphrase, and none was given.', {
      hint: 'Set WHATALO_CREDENTIAL_KEY to the passphrase that encrypts the credential file.',
    });
  }
  const file = path.join(options.configDir, CREDENTIAL_FILE_NAME);
  const lockPath = `${file}.lock`;
  const keys = new Map<string, Buffer>();

  async function deriveKey(params: KdfParams, salt: Buffer): Promise<Buffer> {
    const id = `${params.logN}:${params.r}:${params.p}:${salt.toString('hex')}`;
    const cached = keys.get(id);
    if (cached) return cached;
    const N = 2 ** params.logN;
    const derived = await new Promise<Buffer>((resolve, reject) =>
      scrypt(passphrase!, salt, 32, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (error, key) => (error ? reject(error) : resolve(key))),
    );
    keys.set(id, derived);
    return derived;
  }

  async function load(): Promise<{ map: Map<string, string>; sealed: Sealed | undefined }> {
    const bytes = await readPrivateFile(file);
    if (bytes === null) return { map: new Map(), sealed: undefined };
    const parsed = parseFile(bytes, file);
    const key = await deriveKey(parsed.params, parsed.salt);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv);
      decipher.setAAD(parsed.aad);
      decipher.setAuthTag(parsed.tag);
      plain = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
    } catch (error) {
      throw new WhataloError('CREDENTIAL_STORE', `WHATALO_CREDENTIAL_KEY does not decrypt ${file} (a different passphrase, or the file was altered).`, {
        cause: error,
        hint: `Set WHATALO_CREDENTIAL_KEY to the passphrase used when you signed in. If it is lost, delete ${file} and sign in again.`,
      });
    }
    return { map: parseMap(plain, file), sealed: { params: parsed.params, salt: parsed.salt } };
  }

  async function save(map: Map<string, string>, sealed: Sealed | undefined): Promise<void> {
    const params = sealed?.params ?? DEFAULT_PARAMS;
    const salt = sealed?.salt ?? randomBytes(SALT_BYTES);
    const key = await deriveKey(params, salt);
    const iv = randomBytes(IV_BYTES);
    const plain = Buffer.from(JSON.stringify(Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)))), 'utf8');
    const header = Buffer.alloc(HEADER_BYTES);
    let at = MAGIC.copy(header, 0);
    at = header.writeUInt8(params.logN, at);
    at = header.writeUInt8(params.r, at);
    at = header.writeUInt8(params.p, at);
    at += salt.copy(header, at);
    at += iv.copy(header, at);
    header.writeUInt32BE(plain.length, at); // GCM: ciphertext length equals plaintext length
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    await writePrivateFileAtomic(file, Buffer.concat([header, cipher.getAuthTag(), ciphertext]));
  }

  /** Read-modify-write under the cross-process lock, so two processes never drop each other's accounts. */
  function update<T>(change: (map: Map<string, string>) => T): Promise<T> {
    return withLock(
      lockPath,
      async () => {
        const { map, sealed } = await load();
        const result = change(map);
        await save(map, sealed);
        return result;
      },
      { waitMs: LOCK_WAIT_MS },
    );
  }

  await ensurePrivateDir(options.configDir);
  await load(); // a wrong passphrase, a damaged file or a symlink is reported now, not mid-sign-in
  options.logger.debug('credentials are kept in an encrypted file', { file });

  return {
    kind: 'file',
    description: `encrypted file ${file}`,
    async get(account) {
      return (await load()).map.get(account) ?? null;
    },
    async set(account, secret) {
      await update((map) => void map.set(account, secret));
    },
    async delete(account) {
      if (!(await load()).map.has(account)) return false;
      return update((map) => map.delete(account));
    },
    async accounts() {
      return [...(await load()).map.keys()].sort();
    },
  };
}

function parseFile(bytes: Buffer, file: string) {
  if (bytes.length < HEADER_BYTES + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw corrupt(file, 'it is not a whatalo-mcp credential file or it is truncated');
  }
  let at = MAGIC.length;
  const params = { logN: bytes.readUInt8(at), r: bytes.readUInt8(at + 1), p: bytes.readUInt8(at + 2) };
  at += 3;
  // Checked before anything is derived: the header is authenticated only by the key these
  // parameters produce, so a planted N = 2^22 or p = 16 would cost seconds and gigabytes first.
  if (params.logN !== DEFAULT_PARAMS.logN || params.r !== DEFAULT_PARAMS.r || params.p !== DEFAULT_PARAMS.p) {
    throw corrupt(
      file,
      `its key-derivation parameters (N = 2^${params.logN}, r = ${params.r}, p = ${params.p}) are not the ones whatalo-mcp writes (N = ` +
        `2^${DEFAULT_PARAMS.logN}, r = ${DEFAULT_PARAMS.r}, p = ${DEFAULT_PARAMS.p})`,
    );
  }
  const salt = Buffer.from(bytes.subarray(at, (at += SALT_BYTES)));
  const iv = Buffer.from(bytes.subarray(at, (at += IV_BYTES)));
  const length = bytes.readUInt32BE(at);
  at += 4;
  const aad = bytes.subarray(0, at);
  const tag = bytes.subarray(at, (at += TAG_BYTES));
  const ciphertext = bytes.subarray(at);
  if (ciphertext.length !== length) throw corrupt(file, `it is truncated (${ciphertext.length} of ${length} bytes)`);
  return { params, salt, iv, aad, tag, ciphertext };
}

function parseMap(plain: Buffer, file: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(plain.toString('utf8'));
  } catch {
    throw corrupt(file, 'its decrypted content is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw corrupt(file, 'its content is not a map');
  const map = new Map<string, string>();
  for (const [account, secret] of Object.entries(value)) {
    if (typeof secret !== 'string') throw corrupt(file, `the entry for "${account}" is not a string`);
    map.set(account, secret);
  }
  return map;
}

function corrupt(file: string, why: string): WhataloError {
  return new WhataloError('CREDENTIAL_STORE', `The credential file ${file} is damaged: ${why}.`, {
    hint: `Delete ${file} and sign in again (run \`whatalo-mcp login\`).`,
    details: { file },
  });
}
