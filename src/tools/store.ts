/** The store the sign-in chose: its name, currency and settings. */
import { z } from 'zod';
import { defineTool } from './define.js';

// The fields a model keys on; the others (named in the description) pass through unlisted.
export const storeSchema = z.looseObject({ id: z.string(), name: z.string(), currency: z.string() });

export const getStore = defineTool({
  name: 'get_store',
  title: 'Get store',
  description:
    'Returns the Whatalo store this connection is signed in to: id, name, currency, country, timezone and URL. ' +
    'Every tool works on this store, in its currency.',
  toolset: 'store',
  scope: 'read:store',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({ store: storeSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, { api }) {
    const store = await api.getStore();
    return { text: `Store ${store.name} (${store.id}), prices in ${store.currency}.`, data: { store } };
  },
});
