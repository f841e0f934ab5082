/**
 * The server process itself and the local-automation commands: it starts and lists tools
 * with no network and no sign-in, its modes filter what it registers, stdout is only the
 * protocol, it exits when the host closes stdin, and `tools` / `call` work from a shell.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { FETCH_BROWSER, type McpSession, startMcp } from '../helpers/mcp.js';
import { freePort } from '../helpers/ports.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

const READ_TOOLS = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
let offline: Record<string, string>;
const sessions: McpSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});
beforeAll(async () => {
  const port = await freePort();
  offline = { WHATALO_ISSUER: `http://127.0.0.1:${port}`, WHATALO_API_BASE: `http://127.0.0.1:${port}/api/v1` };
});

describe('serve', () => {
  it('answers initialize and tools/list with the issuer unreachable: no network, no sign-in', async () => {
    const s = await startMcp({ env: offline });
    sessions.push(s);
    expect(s.client.getServerVersion()).toMatchObject({ name: 'whatalo-mcp', version: VERSION });
    expect(s.client.getInstructions()).toMatch(/one Whatalo store/);
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(s.stderr()).not.toMatch(/sign in|oauth\/authorize/i);
    // A tool call is what needs the network, and it says so without crashing the server.
    const result = await s.call('get_store');
    expect(result.isError).toBe(true);
    expect((await s.client.listTools()).tools).toHaveLength(ALL_TOOLS.length);
  });

  it('--read-only registers only read tools', async () => {
    const s = await startMcp({ env: offline, args: ['--read-only'] });
    sessions.push(s);
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(READ_TOOLS);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('--toolsets filters; WHATALO_TOOLSETS does too', async () => {
    const s = await startMcp({ env: offline, args: ['--toolsets', 'inventory,orders'] });
    sessions.push(s);
    expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual([
      'get_inventory',
      'adjust_inventory',
      'list_orders',
      'get_order',
      'count_orders',
      'update_order_status',
      'update_payment_status',
      'get_sales_summary',
    ]);
    const e = await startMcp({ env: { ...offline, WHATALO_TOOLSETS: 'store' } });
    sessions.push(e);
    expect((await e.client.listTools()).tools.map((t) => t.name)).toEqual(['get_store']);
  });

  it('an unknown toolset or scope exits 2 naming the valid ones', async () => {
    const toolsets = await runCli(['serve', '--toolsets', 'products,payments'], { env: offline });
    expect(toolsets.code).toBe(2);
    expect(toolsets.stderr).toContain('unknown toolset "payments"; valid toolsets are store, products, categories, inventory, customers, orders, discounts');
    const scopes = await runCli(['serve', '--scopes', 'read:store,read:everything'], { env: offline });
    expect(scopes.code).toBe(2);
    expect(scopes.stderr).toContain('unknown scope "read:everything"');
    const both = await runCli(['serve', '--read-only', '--scopes', 'read:store,write:orders'], { env: offline });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('drop write:orders');
    expect(toolsets.stdout + scopes.stdout + both.stdout).toBe('');
  });

  it('writes only JSON-RPC to stdout and exits 0 when the host closes stdin', async () => {
    const run = spawnCli(['serve'], { env: offline });
    run.write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } },
      }) + '\n',
    );
    run.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    run.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) + '\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    run.child.stdin!.end();
    const result = await run.result;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(JSON.parse(lines[1]!).result.tools).toHaveLength(ALL_TOOLS.length);
  });
});

describe('tools', () => {
  it('--json lists every tool with its scope and markers, and the scopes sign-in asks for', async () => {
    const result = await runCli(['tools', '--json'], { env: offline });
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout);
    expect(listing.tools.map((t: { name: string }) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(listing.tools.find((t: { name: string }) => t.name === 'delete_product')).toMatchObject({
      scope: 'write:products',
      read_only: false,
      destructive: true,
    });
    expect(listing.tools.find((t: { name: string }) => t.name === 'get_store')).toMatchObject({ scope: 'read:store', read_only: true, destructive: false });
    expect(listing.initial_scopes.every((s: string) => s.startsWith('read:'))).toBe(true);
  });

  it('prints a table for people, honouring --read-only', async () => {
    const result = await runCli(['tools', '--read-only'], { env: offline });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^get_store\s+read:store\s+read-only\s+Get store$/m);
    expect(result.stdout).not.toMatch(/delete_product/);
    expect(result.stdout).toMatch(/Sign-in asks for: read:products .*read:store/);
  });
});

describe('call', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ autoApprove: 'first' });
  });
  afterAll(() => sb.close());
  const env = () => ({ WHATALO_ISSUER: sb.issuer, WHATALO_API_BASE: sb.apiBase, BROWSER: FETCH_BROWSER });

  it('runs one tool against a sandbox and prints its structuredContent', async () => {
    const result = await runCli(['call', 'list_products', '{"limit":3,"status":"active"}'], { env: env() });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.items).toHaveLength(3);
    expect(data.has_more).toBe(true);
  });

  it('--sandbox needs nothing else: an embedded sandbox, signed in by itself', async () => {
    const result = await runCli(['call', 'get_store', '--sandbox'], { env: { BROWSER: FETCH_BROWSER } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).store).toMatchObject({ id: expect.stringMatching(/^str_/), currency: expect.any(String) });
  });

  it('a failed tool exits 1 with its message on stderr and nothing on stdout', async () => {
    const result = await runCli(['call', 'get_product', '{"product_id":"999999999999"}'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`product '999999999999' not found in store ${sb.stores[0]!.id}`);
  });

  it('malformed JSON arguments, a non-object, or an unknown tool exit 2 before anything runs', async () => {
    const before = (await sb.stats()).grants.authorization_code;
    const bad = await runCli(['call', 'get_store', '{"limit":'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
    const array = await runCli(['call', 'get_store', '[1]'], { env: env() });
    expect(array.code).toBe(2);
    expect(array.stderr).toMatch(/one JSON object/);
    const unknown = await runCli(['call', 'refund_order'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no tool "refund_order" is enabled/);
    const readOnly = await runCli(['call', 'delete_product', '{"product_id":"472819365047"}', '--read-only'], { env: env() });
    expect(readOnly.code).toBe(2);
    expect((await sb.stats()).grants.authorization_code).toBe(before);
  });
});
