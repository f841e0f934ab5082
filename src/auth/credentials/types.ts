/**
 * Where the broker keeps secrets (the token set per issuer and client). Three kinds, chosen by
 * WHATALO_CREDENTIAL_STORE: the OS keychain (default), an encrypted file, or process memory.
 * None of them ever writes a secret in plain text (CONTRACT B2).
 */
export interface CredentialStore {
  readonly kind: 'keychain' | 'file' | 'memory';
  /** Where secrets live, for `status` and messages (e.g. 'OS keychain (Secret Service)', 'encrypted file /…/credentials.enc', 'memory (this process only)'). */
  readonly description: string;
  /** The secret stored for `account`, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Stores (or replaces) the secret for `account`. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret for `account`; true when there was one. */
  delete(account: string): Promise<boolean>;
  /** The accounts that currently hold a secret, sorted (the keychain cannot be enumerated, so each store keeps its own list). */
  accounts(): Promise<string[]>;
}
