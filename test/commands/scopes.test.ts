/**
 * One check of the scopes asked for, with one message naming where the value came from, in
 * every command that reads them; and read-only mode named when it is why a tool is missing.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('requested scopes', () => {
  it('login refuses an unknown scope at once, naming --scopes', async () => {
    const result = await runCli(['login', '--scopes', 'read:store bogus:scope'], { env: { BROWSER: 'none' }, timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown scope "bogus:scope" in --scopes; known scopes are read:products, write:products, /);
  });

  it.each([['tools'], ['serve'], ['call', 'get_store']])('%s names WHATALO_SCOPES when the value came from it', async (...args) => {
    const result = await runCli(args, { env: { WHATALO_SCOPES: 'bogus:scope' }, timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown scope "bogus:scope" in WHATALO_SCOPES;/);
  });

  it('tools says what sign-in asks for from WHATALO_SCOPES', async () => {
    const result = await runCli(['tools'], { env: { WHATALO_SCOPES: 'read:store read:orders' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Sign-in asks for: read:store read:orders/m);
  });

  it('call of a write tool in read-only mode says read-only mode disabled it', async () => {
    const result = await runCli(['call', 'update_order_status', '{}', '--read-only'], { timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"update_order_status" changes data, and read-only mode .* disables/);
  });
});
