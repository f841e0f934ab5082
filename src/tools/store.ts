/** The store the sign-in chose: its name, currency and settings. */
import { z } from 'zod';
import { defineTool } from './define.js';

export const storeSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  currency: z.string().describe('ISO 4217 code; every amount in this store is in it.'),
  country: z.string().nullish(),
  timezone: z.string().nullish(),
  url: z.string().nullish(),
  created_at: z.string().nullish(),
});

export const getStore = defineTool({
  name: 'get_store',
  title: 'Get store',
  description:
    'Returns the Whatalo store this connection is signed in to: id, name, currency, country, timezone and URL. ' +
    'Every other tool works on this one store; the currency applies to all prices and totals.',
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
