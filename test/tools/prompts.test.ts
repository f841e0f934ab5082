/** Prompts: listed, each naming only tools that exist (and that it declares), filtered with the tools. */
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { PROMPTS } from '../../src/tools/prompts.js';
import { startToolSession } from './session.js';

const TOOL_NAMES = new Set(ALL_TOOLS.map((t) => t.name));
// Words shaped like a tool name: a verb of the tool list, an underscore, more.
const TOOLISH = /\b(?:get|list|count|create|update|delete|deactivate|adjust|validate)_[a-z_]+\b/g;
const ARGS = { week_start: '2026-09-07', days: '14', count: '5', products: 'Chile Chipotle, Salsa Macha', percent: '15' };

describe('prompts', () => {
  it("are the issue's five, listed with titles and arguments", async () => {
    const session = await startToolSession({ apiBase: new URL('http://127.0.0.1:9/v1') });
    try {
      const { prompts } = await session.client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['weekly_sales_report', 'restock_suggestions', 'best_customers', 'promotion_for_products', 'orders_waiting']);
      for (const p of prompts) expect(p.title && p.description).toBeTruthy();
      expect(prompts.find((p) => p.name === 'promotion_for_products')!.arguments).toContainEqual(expect.objectContaining({ name: 'products', required: true }));
    } finally {
      await session.close();
    }
  });

  it.each(PROMPTS.map((p) => [p.name, p] as const))('%s names only tools that exist, and declares each one', async (name, prompt) => {
    const session = await startToolSession({ apiBase: new URL('http://127.0.0.1:9/v1') });
    try {
      const got = await session.client.getPrompt({
        name,
        arguments: Object.fromEntries(prompt.arguments.map((a) => [a.name, ARGS[a.name as keyof typeof ARGS]])),
      });
      const text = got.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
      const named = [...new Set(text.match(TOOLISH) ?? [])];
      expect(named.length).toBeGreaterThan(0);
      for (const tool of named) expect(TOOL_NAMES.has(tool), `${name} names ${tool}`).toBe(true);
      expect([...named].sort()).toEqual([...prompt.tools].sort());
      for (const a of prompt.arguments) expect(text).toContain(ARGS[a.name as keyof typeof ARGS]);
    } finally {
      await session.close();
    }
  });

  it('a prompt whose tools are not all enabled is not listed; a missing required argument is refused', async () => {
    const session = await startToolSession({ apiBase: new URL('http://127.0.0.1:9/v1'), toolsets: ['orders', 'store'] });
    try {
      expect((await session.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['weekly_sales_report', 'orders_waiting']);
      await expect(session.client.getPrompt({ name: 'best_customers' })).rejects.toThrow(/Unknown prompt: best_customers/);
    } finally {
      await session.close();
    }
    const full = await startToolSession({ apiBase: new URL('http://127.0.0.1:9/v1') });
    try {
      await expect(full.client.getPrompt({ name: 'promotion_for_products', arguments: {} })).rejects.toThrow(
        /Missing argument for promotion_for_products: products/,
      );
    } finally {
      await full.close();
    }
  });
});
