/**
 * The stdio mode's AccessSource: this machine's broker (sign-in, refresh, step-up, the
 * introspection cache), imported and created on the first tool call. Its OAuth, keychain and
 * browser modules cost more start-up time than the SDK server itself, and a host's
 * `initialize` must not wait for code that only a call needs.
 */
import type { Broker, BrokerDeps } from '../auth/broker.js';
import type { Config } from '../config.js';
import { type WhataloError, isWhataloError } from '../errors.js';
import type { AccessSource } from './access.js';

export interface BrokerSource extends AccessSource {
  close(): Promise<void>;
}

export interface BrokerSourceDeps extends BrokerDeps {
  /** Called when a call fails because the credential store cannot be used (no D-Bus, a locked keyring, a damaged record). */
  onStoreProblem?: (error: WhataloError) => void;
}

export function brokerSource(config: Config, deps: BrokerSourceDeps): BrokerSource {
  let broker: Broker | undefined;
  let opening: Promise<Broker> | undefined;
  const open = () => {
    opening ??= import('../auth/broker.js').then(({ createBroker }) => (broker = createBroker(config, deps)));
    opening.catch(() => (opening = undefined)); // a failed import is tried again by the next call
    return opening;
  };
  return {
    ensureAccess(scope, context) {
      const granted = broker ? broker.ensureAccess(scope, context) : open().then((b) => b.ensureAccess(scope, context));
      return granted.catch((error: unknown) => {
        if (isWhataloError(error, 'CREDENTIAL_STORE')) deps.onStoreProblem?.(error);
        throw error;
      });
    },
    invalidate(access) {
      // Only access the broker granted can be invalidated, so it exists by now.
      broker?.invalidate(access);
    },
    async close() {
      await broker?.close();
    },
  };
}
