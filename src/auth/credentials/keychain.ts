/**
 * The OS keychain store (the default): macOS Keychain, Windows Credential Manager, or the
 * Secret Service on Linux (GNOME Keyring, KWallet), through @napi-rs/keyring.
 *
 * On Linux the entry is pinned to the Secret Service: the library's default falls back to
 * the kernel keyring, which forgets everything at reboot, so a user would be signed out
 * without a word. Availability is decided by a write probe at open, because a read alone
 * cannot tell a locked keyring from an empty one.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WhataloError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { withLock } from '../lock.js';
import { messageOf, readPrivateFile, writePrivateFileAtomic } from './private-file.js';
import type { CredentialStore } from './types.js';

export const KEYCHAIN_SERVICE = 'whatalo-mcp';
/** Windows Credential Manager refuses a credential blob above 2,560 bytes; we hold every platform to it so a token set that works here works there. */
export const MAX_KEYCHAIN_SECRET_BYTES = 2560;
export const ACCOUNTS_FILE_NAME = 'accounts.json';
/** A keychain may show an unlock or access prompt; give a person time to answer it, but never hang forever. */
const OPERATION_TIMEOUT_MS = 60_000;
const LOCK_WAIT_MS = 15_000;

const OTHER_CHOICES =
  'Unlock the keyring (or start a desktop session with one), or choose another store: ' +
  'WHATALO_CREDENTIAL_STORE=file with WHATALO_CREDENTIAL_KEY=<passphrase> (an encrypted file), ' +
  'or WHATALO_CREDENTIAL_STORE=memory (forgotten when the app exits).';

type Keyring = typeof import('@napi-rs/keyring');
type AsyncEntry = InstanceType<Keyring['AsyncEntry']>;

export interface KeychainStoreOptions {
  configDir: string;
  logger: Logger;
  /** The keychain service name; tests pass their own so they never meet real entries. */
  service?: string;
}

/**
 * The name an entry has in the keychain, which Keychain Access, Seahorse and Credential
 * Manager show (Secret Service labels it `keyring:<name>@<service>`): a grant's store account
 * `<issuer> <client_id>` (remote mode: `<resource> <issuer> <client_id>`) reads as
 * `Whatalo sign-in for app.whatalo.com (client abc123)`. Only `https://` and a bare `/` path
 * are dropped, so distinct accounts keep distinct names. Other accounts keep their own.
 */
export function keychainAccount(account: string): string {
  const words = account.split(' ');
  const clientId = words.pop();
  if (!clientId || words.length < 1 || words.length > 2 || !words.every(isHttpUrl)) return account;
  const [first, second] = words.map(shortUrl);
  const place = second === undefined ? first : `${first} via ${second}`;
  return `Whatalo sign-in for ${place} (client ${clientId})`;
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}

function shortUrl(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/^([^/]+)\/$/, '$1');
}

/** Opens the OS keychain after proving it can store, read and delete a throwaway secret; throws CREDENTIAL_STORE otherwise. */
export async function openKeychainStore(options: KeychainStoreOptions): Promise<CredentialStore> {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const where = describePlatform();
  const keyring = await loadKeyring(where);
  const entry = (account: string): AsyncEntry => new keyring.AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  const accountsFile = path.join(options.configDir, ACCOUNTS_FILE_NAME);

  await probe(entry, where);
  options.logger.debug('credentials are kept in the OS keychain', { where });

  const fail = (action: string, account: string, error: unknown): WhataloError =>
    new WhataloError('CREDENTIAL_STORE', `Could not ${action} the Whatalo credentials for ${account} in the ${where}: ${messageOf(error)}.`, {
      cause: error,
      hint: OTHER_CHOICES,
      details: { account },
    });

  const updateAccounts = (change: (accounts: Set<string>) => void) =>
    withLock(
      `${accountsFile}.lock`,
      async () => {
        const accounts = new Set(await readAccounts(accountsFile, options.logger));
        change(accounts);
        await writeAccounts(accountsFile, service, accounts);
      },
      { waitMs: LOCK_WAIT_MS },
    );

  const read = async (name: string, account: string): Promise<number[] | null> => {
    try {
      return await entry(name).getSecret(AbortSignal.timeout(OPERATION_TIMEOUT_MS));
    } catch (error) {
      throw fail('read', account, error);
    }
  };
  /** Removes an entry under its pre-label name, left by an older version; false when there was none. */
  const dropOld = async (account: string): Promise<boolean> =>
    keychainAccount(account) !== account && (await entry(account).deleteCredential(AbortSignal.timeout(OPERATION_TIMEOUT_MS)));

  return {
    kind: 'keychain',
    description: where,
    async get(account) {
      const name = keychainAccount(account);
      let bytes = await read(name, account);
      if (bytes === null && name !== account) {
        // Stored by an older version under the bare account: moved to its readable name.
        bytes = await read(account, account);
        if (bytes !== null) {
          try {
            await entry(name).setSecret(Uint8Array.from(bytes), AbortSignal.timeout(OPERATION_TIMEOUT_MS));
            await dropOld(account);
          } catch (error) {
            // Still readable where it was; the move is tried again on the next read.
            options.logger.debug('could not move a keychain entry to its new name', { error });
          }
        }
      }
      return bytes === null ? null : Buffer.from(bytes).toString('utf8');
    },
    async set(account, secret) {
      const bytes = Buffer.from(secret, 'utf8');
      if (bytes.length > MAX_KEYCHAIN_SECRET_BYTES) {
        throw new WhataloError(
          'CREDENTIAL_STORE',
          `The credentials for ${account} are ${bytes.length} bytes, more than the ${MAX_KEYCHAIN_SECRET_BYTES} bytes an OS keychain entry may hold on ` +
            `every platform.`,
          { hint: 'Use WHATALO_CREDENTIAL_STORE=file with WHATALO_CREDENTIAL_KEY, which has no such limit.', details: { account } },
        );
      }
      try {
        await entry(keychainAccount(account)).setSecret(bytes, AbortSignal.timeout(OPERATION_TIMEOUT_MS));
      } catch (error) {
        throw fail('store', account, error);
      }
      // An older version's copy would otherwise outlive this one, with stale tokens.
      await dropOld(account).catch(() => false);
      await updateAccounts((accounts) => void accounts.add(account));
    },
    async delete(account) {
      let deleted: boolean;
      try {
        deleted = await entry(keychainAccount(account)).deleteCredential(AbortSignal.timeout(OPERATION_TIMEOUT_MS));
        deleted = (await dropOld(account)) || deleted;
      } catch (error) {
        throw fail('delete', account, error);
      }
      await updateAccounts((accounts) => void accounts.delete(account));
      return deleted;
    },
    async accounts() {
      return [...(await readAccounts(accountsFile, options.logger))].sort();
    },
  };
}

async function loadKeyring(where: string): Promise<Keyring> {
  try {
    return await import('@napi-rs/keyring');
  } catch (error) {
    throw new WhataloError(
      'CREDENTIAL_STORE',
      `The ${where} cannot be used: its native module (@napi-rs/keyring) did not load on ${process.platform}-${process.arch} (${messageOf(error)}).`,
      { cause: error, hint: `Reinstall whatalo-mcp, or ${lowerFirst(OTHER_CHOICES)}` },
    );
  }
}

/** Stores, reads back and deletes a throwaway secret: the only reliable test of a locked or absent keyring. */
async function probe(entry: (account: string) => AsyncEntry, where: string): Promise<void> {
  const account = `availability probe ${process.pid} ${randomBytes(6).toString('hex')}`;
  const value = randomBytes(12).toString('hex');
  let probeEntry: AsyncEntry | undefined;
  let stored = false;
  try {
    // Even constructing an entry talks to D-Bus on Linux, so it belongs inside the try.
    probeEntry = entry(account);
    await probeEntry.setSecret(Buffer.from(value, 'utf8'), AbortSignal.timeout(OPERATION_TIMEOUT_MS));
    stored = true;
    const back = await probeEntry.getSecret(AbortSignal.timeout(OPERATION_TIMEOUT_MS));
    if (back === null || Buffer.from(back).toString('utf8') !== value) throw new Error('a test secret did not read back');
    await probeEntry.deleteCredential(AbortSignal.timeout(OPERATION_TIMEOUT_MS));
    stored = false;
  } catch (error) {
    if (stored) await probeEntry?.deleteCredential().catch(() => {});
    throw new WhataloError('CREDENTIAL_STORE', `The ${where} is not available (${messageOf(error)}).`, {
      cause: error,
      hint: OTHER_CHOICES,
    });
  }
}

/** The account list kept beside the keychain (it cannot be enumerated portably). Holds no secret. */
async function readAccounts(file: string, logger: Logger): Promise<string[]> {
  const bytes = await readPrivateFile(file);
  if (bytes === null) return [];
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { accounts?: unknown };
    if (Array.isArray(value.accounts) && value.accounts.every((a) => typeof a === 'string')) return value.accounts;
  } catch {
    // fall through
  }
  // The secrets themselves are safe in the keychain; only the listing is lost, and rebuilt on the next sign-in.
  logger.warn(`Ignoring the damaged account list ${file}; it is rebuilt at the next sign-in.`);
  return [];
}

async function writeAccounts(file: string, service: string, accounts: Set<string>): Promise<void> {
  const body = { service, note: 'Account names only; the secrets are in the OS keychain.', accounts: [...accounts].sort() };
  await writePrivateFileAtomic(file, JSON.stringify(body, null, 2) + '\n');
}

function describePlatform(): string {
  if (process.platform === 'darwin') return 'OS keychain (macOS Keychain)';
  if (process.platform === 'win32') return 'OS keychain (Windows Credential Manager)';
  return 'OS keychain (Secret Service)';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
