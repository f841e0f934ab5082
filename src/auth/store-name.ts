/**
 * The store's name, for what a person reads after signing in (`status`, `login`, the success
 * page): one GET /v1/store, bounded, never retried. It is a nicety: a slow or refusing API
 * costs the name, never the command or the sign-in, and the store is then named by its id.
 */
import { createApiClient } from '../api/client.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { escapeControls } from '../safe-text.js';

/** The store's name with its control characters escaped (it is shown on a line of its own), or null. */
export async function readStoreName(
  config: Pick<Config, 'apiBase'>,
  logger: Logger,
  access: { token: string; storeId: string },
  timeoutMs: number,
): Promise<string | null> {
  try {
    const api = createApiClient({ apiBase: config.apiBase, logger, timeoutMs, retry: { maxServerRetries: 0, maxRateLimitRetries: 0 } });
    const { name } = await api.bind({ accessToken: access.token, storeId: access.storeId }).getStore();
    return typeof name === 'string' && name.trim() !== '' ? escapeControls(name) : null;
  } catch (error) {
    logger.debug('could not read the store name', { error });
    return null;
  }
}
