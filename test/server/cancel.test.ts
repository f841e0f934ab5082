/**
 * `notifications/cancelled` aborts the HTTP request, so a call the host gave up on changes nothing: a create the host cancels while
 * the API is slow never reaches the API, so the product is never made. The sandbox's latency
 * fault drops a request whose client went away before it is handled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearFaults, setFaults } from '../helpers/faults.js';
import { type McpSession, sandboxEnv, startMcp } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox | undefined;
let session: McpSession | undefined;

afterEach(async () => {
  await session?.close();
  await sb?.close();
  session = sb = undefined;
});

describe('cancellation', () => {
  it('a host cancelling a slow create aborts its API request: the product is never made, and the server keeps serving', async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
    session = await startMcp({ env: sandboxEnv(sb), args: ['--scopes', 'read:products,write:products'] });
    expect((await session.call('list_products', { limit: 1 })).isError).toBeFalsy();

    const LATENCY_MS = 3_000;
    await setFaults(sb.issuer, [{ path: '/api/v1/products', method: 'POST', latency_ms: LATENCY_MS }]);
    const name = `Cancelled ${Date.now()}`;
    const controller = new AbortController();
    const call = session.client.callTool({ name: 'create_product', arguments: { name, price: 12.5 } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort('the person pressed stop'), 300);
    await expect(call).rejects.toThrow();

    // Had the request survived the cancel, the sandbox would have created it once the latency passed.
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS + 500));
    await clearFaults(sb.issuer);
    const all = await session.call('list_products', { query: name, limit: 5 });
    expect(all.isError).toBeFalsy();
    expect((all.structuredContent as { items: unknown[] }).items).toEqual([]);

    // The same create, not cancelled, goes through: the check above could have failed.
    const made = await session.call('create_product', { name, price: 12.5 });
    expect(made.isError).toBeFalsy();
    const after = await session.call('list_products', { query: name, limit: 5 });
    expect((after.structuredContent as { items: { name: string }[] }).items.map((p) => p.name)).toEqual([name]);
  });
});
