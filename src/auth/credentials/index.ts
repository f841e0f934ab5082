/**
 * Opens the credential store the configuration names. The keychain is the default; when it
 * is unusable we say so and name the other two choices, and never fall back on our own: a
 * silent switch to memory would lose sign-ins, a switch to a file would move secrets without
 * consent.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { openFileStore } from './file.js';
import { openKeychainStore } from './keychain.js';
import { createMemoryStore } from './memory.js';
import type { CredentialStore } from './types.js';

export type { CredentialStore } from './types.js';
export { createMemoryStore } from './memory.js';

/** The store chosen by config.credentialStore; throws WhataloError('CREDENTIAL_STORE') when it cannot be used. */
export async function openCredentialStore(config: Config, deps: { logger: Logger }): Promise<CredentialStore> {
  switch (config.credentialStore) {
    case 'keychain':
      return openKeychainStore({ configDir: config.configDir, logger: deps.logger });
    case 'file':
      return openFileStore({ configDir: config.configDir, key: config.credentialKey, logger: deps.logger });
    case 'memory':
      deps.logger.debug('credentials are kept in memory only; they end with this process');
      return createMemoryStore();
  }
}
