/**
 * Internal timing knobs, for tests only: they shrink the API client's and the remote relay's
 * deadlines and waits so a test of a hang takes a second, not a minute. Not user settings,
 * so not in loadConfig or the README; still checked, with a message naming the variable.
 */
import { WhataloError } from '../errors.js';

export type InternalMsVariable = 'WHATALO_API_RETRY_BASE_MS' | 'WHATALO_API_TIMEOUT_MS' | 'WHATALO_REMOTE_TIMEOUT_MS' | 'WHATALO_REMOTE_RETRY_MS';

/** The variable's milliseconds, at least `min`; undefined when it is unset. */
export function internalMs(env: NodeJS.ProcessEnv, name: InternalMsVariable, min = 0): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min) {
    throw new WhataloError('CONFIG_INVALID', `${name} must be a whole number of milliseconds from ${min} (got "${raw}")`);
  }
  return Number(raw);
}
