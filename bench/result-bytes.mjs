/**
 * Figure 7: what a tool result costs a model's context, in UTF-8 bytes of the JSON the host
 * receives, per call, for a few typical calls. A result carries the short summary, the
 * structuredContent, and (for hosts and models that read only text) the same content again
 * as compact JSON text; the baseline is the same result without that JSON copy.
 */
import { callTool, openSession } from './lib/mcp.mjs';
import { whataloServer } from './lib/servers.mjs';

const bytes = (value) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));

/** The calls measured, each made from what the previous ones answered (ids from the lists). */
async function typicalCalls(session) {
  const results = [];
  const call = async (name, args) => {
    const result = await callTool(session, name, args);
    results.push({ name, args, result });
    return result.structuredContent;
  };
  await call('get_store', {});
  const products = await call('list_products', { limit: 20 });
  await call('get_product', { product_id: products.items[0].id });
  const orders = await call('list_orders', { limit: 20 });
  await call('get_order', { order_id: orders.items[0].id });
  await call('get_sales_summary', { from: '2020-01-01', to: '2030-01-01' });
  return results;
}

export function resultBytes({ name, args, result }) {
  const [summary, json] = result.content.map((c) => c.text ?? '');
  const total = bytes(result);
  const withoutJson = bytes({ ...result, content: result.content.slice(0, 1) });
  return {
    call: `${name} ${JSON.stringify(args)}`,
    total,
    summary: bytes(summary),
    json_text: bytes(json ?? ''),
    structured: bytes(result.structuredContent ?? {}),
    without_json: withoutJson,
  };
}

export async function resultSize(ctx) {
  const session = await openSession(whataloServer(ctx.sandbox));
  let measured;
  try {
    measured = (await typicalCalls(session)).map(resultBytes);
  } finally {
    await session.close();
  }
  const mean = (key) => measured.reduce((a, m) => a + m[key], 0) / measured.length;
  const ratios = measured.map((m) => m.total / m.without_json);
  const stat = (values) => ({
    median: [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)],
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
  });
  const baseline = stat(measured.map((m) => m.without_json));
  return [
    {
      id: 'result_bytes_per_call',
      figure: `7. Tool result bytes per call (${measured.length} typical calls)`,
      unit: 'B/call',
      whatalo: stat(measured.map((m) => m.total)),
      baseline,
      baselineText:
        `${baseline.median.toLocaleString('en')} B/call for the same call without the JSON text copy ` +
        `(${baseline.min.toLocaleString('en')}–${baseline.max.toLocaleString('en')})`,
      ratio: stat(ratios),
      target: { kind: 'reported', text: 'reported' },
      met: null,
      detail: { mean_total: mean('total'), mean_without_json: mean('without_json'), per_call: measured },
    },
  ];
}
