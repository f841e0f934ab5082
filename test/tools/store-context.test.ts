/**
 * Products and customers carry no currency (CONTRACT V5): their texts take the store's,
 * read once and kept, so a session of calls costs one GET /store; a sign-in that cannot read
 * the store still gets its products, amounts without a currency.
 */
import { afterEach, expect, it } from 'vitest';
import { type FakeApi, PRODUCT, pageOf, startFakeApi } from '../api/fake-api.js';
import { textOf } from '../helpers/mcp.js';
import { type ToolSession, startToolSession } from './session.js';

let api: FakeApi;
let session: ToolSession;
afterEach(async () => {
  await session?.close();
  await api?.close();
});

async function serve(): Promise<FakeApi> {
  return startFakeApi((req) => {
    const path = req.url.split('?')[0];
    if (path === '/v1/store') return { body: { data: { id: 'str_8k2m4n6p', name: 'Doña Rosa', currency: 'DOP', timezone: 'America/Santo_Domingo' } } };
    if (path === '/v1/products') return pageOf([PRODUCT]);
    return { body: { data: PRODUCT } };
  });
}

it("prices read in the store's currency, and the store is read once for many calls", async () => {
  api = await serve();
  session = await startToolSession({ apiBase: api.apiBase });
  expect(textOf(await session.call('get_product', { product_id: PRODUCT.id }))).toMatch(
    /^«Chile Chipotle Seco 100 g» \(SKU CH-100\) \(472819365047\): 89\.50 DOP, visible, 3 in stock\./,
  );
  expect(textOf(await session.call('list_products'))).toMatch(/Prices in DOP\./);
  await session.call('get_product', { product_id: PRODUCT.id });
  expect(api.count('GET', '/v1/store')).toBe(1);
  // list_products asks for every product, hidden ones too, unless told otherwise.
  expect(api.received.find((r) => r.url.startsWith('/v1/products?'))!.url).toMatch(/[?&]status=all(&|$)/);
});

it('without read:store the tool still answers, with amounts and no currency, and never asks for the store', async () => {
  api = await serve();
  session = await startToolSession({ apiBase: api.apiBase, scopes: ['read:products'] });
  const result = await session.call('get_product', { product_id: PRODUCT.id });
  expect(result.isError, textOf(result)).toBeFalsy();
  expect(textOf(result)).toMatch(/\): 89\.50, visible/);
  expect(api.count('GET', '/v1/store')).toBe(0);
});
