/**
 * Multi-tenant: 50 host applications (50 clients, each signed in to one of the sandbox's
 * stores) call the one HTTP server at the same time. Every answer must come from the caller's
 * own store, checked by store id: the store comes from each token's introspection only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../src/server/http/index.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { RELAXED_LIMITS, useTestSandbox } from '../helpers/sandbox.js';
import { register, signIn } from '../sandbox/as-kit.js';

const TENANTS = 50;

describe('serve --http with 50 tenants at once', () => {
  const sb = useTestSandbox({ limits: RELAXED_LIMITS });
  let server: RunningHttpServer;
  let publicUrl: URL;

  beforeAll(async () => {
    ({ server, publicUrl } = await startTestHttpServer(sb));
  });
  afterAll(() => server?.close());

  it('every answer is from the caller’s own store: 0 cross-tenant answers', async () => {
    const tenants = await Promise.all(
      Array.from({ length: TENANTS }, async (_, i) => {
        const client = await register(sb, { client_name: `Tenant ${i}` });
        const storeId = sb.stores[i % sb.stores.length]!.id;
        const resource = { resource: publicUrl.href };
        const tokens = await signIn(sb, client, { scope: 'read:store read:products', storeId, extra: resource, tokenExtra: resource });
        return { storeId, token: tokens.access_token };
      }),
    );
    const call = async (tenant: { storeId: string; token: string }, i: number) => {
      const response = await fetch(publicUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: i % 2 ? 'get_store' : 'list_products', arguments: {} } }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { isError?: boolean; structuredContent?: unknown } };
      expect(body.result.isError).toBeFalsy();
      return JSON.stringify(body.result.structuredContent);
    };
    let cross = 0;
    let checked = 0;
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(tenants.map((tenant, i) => call(tenant, i)));
      answers.forEach((text, i) => {
        const own = tenants[i]!.storeId;
        const others = sb.stores.map((s) => s.id).filter((id) => id !== own);
        checked++;
        if (others.some((id) => text.includes(id))) cross++;
        // get_store names its store; product lists carry the store's currency.
        if (i % 2) expect(text).toContain(own);
      });
    }
    expect({ checked, cross }).toEqual({ checked: TENANTS * 3, cross: 0 });
    // One introspection per token for the whole run (cached), one exchange per token and scope (each tenant calls one tool).
    expect(server.counts()).toMatchObject({ introspections: TENANTS, exchanges: TENANTS });
  });
});
