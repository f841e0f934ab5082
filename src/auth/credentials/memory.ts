import type { CredentialStore } from './types.js';

/** A store that lives and dies with this process (WHATALO_CREDENTIAL_STORE=memory). */
export function createMemoryStore(): CredentialStore {
  const secrets = new Map<string, string>();
  return {
    kind: 'memory',
    description: 'memory (this process only)',
    async get(account) {
      return secrets.get(account) ?? null;
    },
    async set(account, secret) {
      secrets.set(account, secret);
    },
    async delete(account) {
      return secrets.delete(account);
    },
    async accounts() {
      return [...secrets.keys()].sort();
    },
  };
}
