import { requestJson } from './request-json.mjs';

/**
 * The direct-API baseline: the same request the server makes for get_product, sent from
 * the bench process with a token of its own, over the same transport as the server
 * (bench/lib/request-json.mjs), its body read and parsed as the server would.
 */
export function directProductGetter({ apiBase, token, storeId, productId }) {
  const url = `${apiBase}/products/${encodeURIComponent(productId)}`;
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  return async function getProduct() {
    const { status, body } = await requestJson(url, { headers });
    if (status !== 200) throw new Error(`direct GET /products/:id answered ${status} ${body.code ?? ''}`);
    return body;
  };
}
