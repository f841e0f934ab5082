/**
 * The direct-API baseline: the same request the server makes for get_product, sent from
 * the bench process with a token of its own, its body read and parsed as the server would.
 */
export function directProductGetter({ apiBase, token, storeId, productId }) {
  const url = `${apiBase}/products/${encodeURIComponent(productId)}`;
  const headers = { authorization: `Bearer ${token}`, 'x-whatalo-store-id': storeId, accept: 'application/json' };
  return async function getProduct() {
    const response = await fetch(url, { headers });
    const body = await response.json();
    if (!response.ok) throw new Error(`direct GET /products/:id answered ${response.status} ${body.code ?? ''}`);
    return body;
  };
}
