/**
 * Tool results' summaries and the confirmation question follow the person's language
 * (WHATALO_LANG here), through the real stdio server on the sandbox; the JSON stays the same.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpSession, sandboxEnv, startMcp, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

type Data = Record<string, any>;

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ autoApprove: 'first' });
});
afterAll(async () => {
  await sb?.close();
});

/** A session in `lang` whose person answers "no" to every question, recording what was asked. */
async function session(lang: 'en' | 'es') {
  const asked: { message: string; option: unknown }[] = [];
  const mcp: McpSession = await startMcp({
    env: sandboxEnv(sb, { WHATALO_LANG: lang }),
    clientOptions: { capabilities: { elicitation: { form: {} } } },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        const params = request.params as { requestedSchema?: { properties?: { confirm?: { title?: unknown } } } };
        const schema = params.requestedSchema;
        asked.push({ message: request.params.message, option: schema?.properties?.confirm?.title });
        return { action: 'accept', content: { confirm: false } };
      }),
  });
  async function call(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; data: Data }> {
    const result = await mcp.call(name, args);
    if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
    return { text: textOf(result).split('\n')[0]!, data: result.structuredContent as Data };
  }
  return { mcp, call, asked };
}

const cases = {
  es: {
    list: /^Mostrando productos 1–2 de \d+\. Hay más con next_cursor\. Precios en MXN\.$/,
    price: (text: string) => expect(text).toMatch(/: \$[\d,]+\.\d{2} MXN, (visible|oculto)/),
    // Statuses in Spanish: pendiente, confirmado, en preparación, …; pago: pagado, …
    order: /^Pedido #\d+ .*\(\$[\d,]+\.\d{2} [A-Z]{3}\) \(.+\): [a-zñáéíóú ]+, pago: [a-záéíóú]+, \d+ artículos?\.$/,
    count: /^La tienda tiene \d+ productos\.$/,
    question: /^¿Eliminar «.+».*\? No se puede deshacer\.$/,
    option: 'Sí, hazlo',
    declined: (id: string) => `No se cambió nada: el comerciante no confirmó eliminar el producto ${id}.`,
  },
  en: {
    list: /^Showing products 1–2 of \d+\. More are available with next_cursor\. Prices in MXN\.$/,
    price: (text: string) => expect(text).toMatch(/: (?<!\$)[\d,]+\.\d{2} MXN, (visible|hidden)/),
    order: /^Order #\d+ .*\([\d,]+(\.\d+)? [A-Z]{3}\) \(.+\): [a-z_]+, payment [a-z]+, \d+ items?\.$/,
    count: /^The store has \d+ products\.$/,
    question: /^Delete «.+».*\? It cannot be undone\.$/,
    option: 'Yes, do it',
    declined: (id: string) => `Nothing was changed: the merchant did not confirm deleting product ${id}.`,
  },
} as const;

describe.each(['es', 'en'] as const)('WHATALO_LANG=%s', (lang) => {
  const expected = cases[lang];

  it('a list, gets with money, a count and a "no" to the confirmation read in that language; the JSON does not change', async () => {
    const { mcp, call, asked } = await session(lang);
    try {
      const list = await call('list_products', { limit: 2 });
      expect(list.text).toMatch(expected.list);
      const id: string = list.data.items[0].id;

      const got = await call('get_product', { product_id: id });
      expected.price(got.text);
      expect(got.data.product).toMatchObject({ id, price: expect.any(Number) });

      const orders = await call('list_orders', { limit: 1 });
      const order = await call('get_order', { order_id: orders.data.items[0].id });
      expect(order.text).toMatch(expected.order);

      const count = await call('count_products');
      expect(count.text).toMatch(expected.count);
      expect(count.data).toEqual({ count: list.data.total, status: 'all' });

      const declined = await call('delete_product', { product_id: id });
      expect(asked).toHaveLength(1);
      expect(asked[0]!.message).toMatch(expected.question);
      expect(asked[0]!.option).toBe(expected.option);
      expect(declined.text).toBe(expected.declined(id));
      expect(declined.data).toEqual({ id, deleted: false });
      // "No" left the product where it was.
      expect((await call('get_product', { product_id: id })).data.product.id).toBe(id);
    } finally {
      await mcp.close();
    }
  });
});
