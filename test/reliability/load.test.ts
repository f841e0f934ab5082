/**
 * Load on one stdio connection: 1,000 tool calls in flight at once all get their own, correct
 * answers; and 20,000 calls leave the server's memory bounded (RSS read from /proc before and
 * after, printed; no timing assertions). LOAD_CALLS raises or lowers the 20,000.
 */
import { LINUX, describeWith } from '../helpers/requirements.js';
import { afterAll, describe, expect, it } from 'vitest';
import { suiteFigures } from '../helpers/figures.js';
import { sandboxEnv, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { Outputs, rssKb, startServer } from './kit.js';

const figures = suiteFigures('reliability/load');
const outputs = new Outputs();
let sb: TestSandbox | undefined;
let session: Awaited<ReturnType<typeof startServer>> | undefined;

afterAll(async () => {
  // Results are not collected for the sweep here (20,000 of them); the server's stderr is.
  await session?.close();
  if (sb) await outputs.sweep(sb, figures);
  await sb?.close();
});

describeWith(LINUX, 'load on one stdio connection', () => {
  it('1,000 calls in flight at once all get their own correct answers; 20,000 calls keep memory bounded', async () => {
    sb = await startTestSandbox({ autoApprove: 'first', rateLimit: { limit: 10_000_000, windowSeconds: 60 } });
    session = await startServer(outputs, { env: sandboxEnv(sb, { WHATALO_LOG_LEVEL: 'warn' }) });
    const store = sb.stores[0]!;
    const warm = await session.call('get_store');
    expect(warm.isError, textOf(warm)).toBeFalsy();
    const products = (await session.call('list_products', { limit: 20 })).structuredContent as { items: { id: string; name: string }[] };
    expect(products.items.length).toBeGreaterThan(5);
    const { client } = session;

    // Each call asks for something different, so a mixed-up answer would show.
    const oneCall = async (i: number) => {
      const product = products.items[i % products.items.length]!;
      if (i % 2 === 0) {
        const result = await client.callTool({ name: 'get_store', arguments: {} }, undefined, { timeout: 120_000 });
        return !result.isError && (result.structuredContent as { store: { id: string } }).store.id === store.id;
      }
      const result = await client.callTool({ name: 'get_product', arguments: { product_id: product.id } }, undefined, { timeout: 120_000 });
      return !result.isError && (result.structuredContent as { product: { id: string; name: string } }).product.id === product.id;
    };

    const burst = await Promise.all(Array.from({ length: 1000 }, (_, i) => oneCall(i)));
    expect(burst.filter((ok) => !ok).length).toBe(0);

    const pid = session.pid();
    const batch = 500;
    // Warm up at the measured concurrency first: V8 grows its heap to a steady size under a
    // new load (~+60 % here, then flat), which is not a leak. Growth is measured from there.
    const startRss = await rssKb(pid);
    for (let i = 0; i < 6; i++) await Promise.all(Array.from({ length: batch }, (_, j) => oneCall(j)));
    const before = await rssKb(pid);
    const total = Number(process.env.LOAD_CALLS ?? 20_000);
    let correct = 0;
    for (let done = 0; done < total; done += batch) {
      const answers = await Promise.all(Array.from({ length: Math.min(batch, total - done) }, (_, i) => oneCall(done + i)));
      correct += answers.filter(Boolean).length;
      if (process.env.LOAD_TRACE && (done / batch) % 10 === 0) console.log(`rss after ${done + batch}: ${await rssKb(pid)} kB`);
    }
    const after = await rssKb(pid);
    const growth = (after - before) / before;
    console.log(
      `load: 1000 concurrent calls answered; ${total} calls, ${correct} correct; server RSS ${startRss} kB at start, ${before} kB after warm-up, ${after} ` +
        `kB after (${(growth * 100).toFixed(1)} %)`,
    );
    expect(correct).toBe(total);
    // Generous: a leak of even 1 kB per call would add ~20 MB and show here.
    expect(growth).toBeLessThan(0.5);
    expect(session.stderr()).not.toMatch(/error/i);
  }, 600_000);
});
