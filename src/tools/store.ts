/** The store the sign-in chose: its name, currency, time zone and settings. */
import { z } from 'zod';
import { defineTool } from './define.js';
import { toolTexts } from './texts.js';

// The fields a model keys on; the others (named in the description) pass through unlisted.
export const storeSchema = z.looseObject({ id: z.string(), name: z.string(), currency: z.string() });

export const getStore = defineTool({
  name: 'get_store',
  title: 'Get store',
  description:
    'Returns the Whatalo store this connection is signed in to: id (str_…), name, currency, timezone, country_code, storefront_url, ' +
    'plan_name and status. Every tool works on this store; amounts are in its currency.',
  toolset: 'store',
  scope: 'read:store',
  inputSchema: z.strictObject({}),
  outputSchema: z.object({ store: storeSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, { api }) {
    const store = await api.getStore();
    const text = toolTexts().t('tool.store', { name: store.name, id: store.id, currency: store.currency, timezone: store.timezone, url: store.storefront_url });
    return { text, data: { store } };
  },
});
