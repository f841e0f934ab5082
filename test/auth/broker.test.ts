/**
 * ensureAccess as the MCP server uses it, against the sandbox: first use signs in (URL-mode
 * elicitation, or the browser when the host cannot show it), the warm path asks nobody,
 * an inactive token gets one refresh, a revoked grant is a clear AUTH_REQUIRED, and a
 * missing scope steps up to the union and revokes the grant it replaces.
 */
import { promises as fs } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Broker, createBroker } from '../../src/auth/broker.js';
import type { Config } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { joinScopes, splitScopes } from '../../src/scopes.js';
import { FETCH_BROWSER, approvingPerson, digest, sandboxConfig, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();
beforeEach(() => setFaults(sandbox, []));

const brokers: Broker[] = [];
async function broker(extra: Record<string, string> = {}): Promise<{ b: Broker; config: Config }> {
  const config = sandboxConfig(sandbox, await tempDir(), extra);
  const b = createBroker(config, { logger: silentLogger, requestedScopes: ['read:store', 'read:products'] });
  brokers.push(b);
  return { b, config };
}
afterAll(() => Promise.all(brokers.map((b) => b.close())));

const totalRequests = async () => Object.values((await sandbox.stats()).requests).reduce((a, n) => a + n, 0);

describe('first use', () => {
  it('signs in through the host (URL-mode elicitation) with the requested read scopes plus the needed one, reporting progress', async () => {
    const { b } = await broker();
    const progress: string[] = [];
    const shown: string[] = [];
    const access = await b.ensureAccess('read:orders', {
      onProgress: (m) => void progress.push(m),
      presentUrl: async (url) => {
        shown.push(url);
        await approvingPerson.presentUrl(url);
      },
    });
    expect(shown).toHaveLength(1);
    expect(new URL(shown[0]!).searchParams.get('scope')).toBe(joinScopes(['read:store', 'read:products', 'read:orders']));
    expect(access).toMatchObject({
      storeId: sandbox.stores[0]!.id,
      merchant: sandbox.merchant,
      scopes: splitScopes(joinScopes(['read:store', 'read:products', 'read:orders'])),
    });
    expect(progress.join('\n')).toMatch(/approve access in the browser/);
    expect(progress.join('\n')).toMatch(/approved the sign-in/);
  });

  it('opens the browser (BROWSER honoured) when the host cannot show the link', async () => {
    const log = `${await tempDir()}/browser.log`;
    process.env.WHATALO_TEST_BROWSER_LOG = log;
    try {
      const { b } = await broker({ BROWSER: FETCH_BROWSER });
      const access = await b.ensureAccess('read:store', {
        presentUrl: async () => {
          throw new Error('this host has no URL elicitation');
        },
      });
      expect(access.scopes).toContain('read:store');
      const launched = (await fs.readFile(log, 'utf8')).split('\n').filter((l) => l.includes('"launched"'));
      expect(launched).toHaveLength(1);
    } finally {
      delete process.env.WHATALO_TEST_BROWSER_LOG;
    }
  });

  it('concurrent first calls share one sign-in', async () => {
    const { b } = await broker();
    let shown = 0;
    const ctx = {
      presentUrl: async (url: string) => {
        shown++;
        await approvingPerson.presentUrl(url);
      },
    };
    const results = await Promise.all([b.ensureAccess('read:store', ctx), b.ensureAccess('read:store', ctx), b.ensureAccess('read:products', ctx)]);
    expect(shown).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });
});

describe('every call', () => {
  it('the warm path asks nobody: no request to the AS or the store within the introspection TTL', async () => {
    const { b } = await broker();
    await b.ensureAccess('read:store', approvingPerson);
    const before = await totalRequests();
    expect(before).toBeGreaterThan(0); // the counter does count this broker's requests
    for (let i = 0; i < 20; i++) await b.ensureAccess('read:store');
    expect((await totalRequests()) - before).toBe(0);
  });

  it('an expired token (by the AS clock) gets one refresh for 50 concurrent calls, then works', async () => {
    const { b } = await broker({ WHATALO_INTROSPECTION_TTL: '0' });
    const first = await b.ensureAccess('read:store', approvingPerson);
    await sandbox.advanceClock(3601);
    const before = await sandbox.stats();
    const all = await Promise.all(Array.from({ length: 50 }, () => b.ensureAccess('read:store')));
    const after = await sandbox.stats();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(new Set(all.map((a) => a.accessToken)).size).toBe(1);
    expect(all[0]!.accessToken).not.toBe(first.accessToken);
  });

  it('a revoked grant is AUTH_REQUIRED with the way back, after one refresh attempt, and no loop', async () => {
    const { b } = await broker({ WHATALO_INTROSPECTION_TTL: '0' });
    const access = await b.ensureAccess('read:store', approvingPerson);
    const grant = (await sandbox.grants()).find((g) => g.tokens.some((t) => t.sha256 === digest(access.accessToken)))!;
    await sandbox.disconnect(grant.client_id, grant.store_id);
    const before = await sandbox.stats();
    await expect(b.ensureAccess('read:store')).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      message: 'Whatalo access was revoked or has expired.',
      hint: expect.stringContaining('whatalo-mcp login'),
    });
    const after = await sandbox.stats();
    expect((after.requests['POST /oauth/token'] ?? 0) - (before.requests['POST /oauth/token'] ?? 0)).toBe(1);
  });

  it('introspection that cannot be reached fails closed: AS_UNREACHABLE, never access', async () => {
    const { b } = await broker({ WHATALO_INTROSPECTION_TTL: '0' });
    await b.ensureAccess('read:store', approvingPerson);
    await setFaults(sandbox, [{ path: '/oauth/introspect', status: 503 }]);
    await expect(b.ensureAccess('read:store')).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    await setFaults(sandbox, []);
    await expect(b.ensureAccess('read:store')).resolves.toMatchObject({ storeId: sandbox.stores[0]!.id });
  });

  it('invalidate() makes the next call introspect again', async () => {
    const { b } = await broker();
    const access = await b.ensureAccess('read:store', approvingPerson);
    const before = (await sandbox.stats()).introspections;
    await b.ensureAccess('read:store');
    b.invalidate(access);
    await b.ensureAccess('read:store');
    expect((await sandbox.stats()).introspections - before).toBe(1);
  });
});

describe('step-up', () => {
  it('asks for the union of granted and needed scopes, then revokes the grant it replaced', async () => {
    const { b } = await broker();
    const read = await b.ensureAccess('read:products', approvingPerson);
    const shown: string[] = [];
    const write = await b.ensureAccess('write:products', {
      presentUrl: async (url) => {
        shown.push(url);
        await approvingPerson.presentUrl(url);
      },
    });
    expect(new URL(shown[0]!).searchParams.get('scope')).toBe(joinScopes(['read:store', 'read:products', 'write:products']));
    expect(write.scopes).toEqual(splitScopes(joinScopes(['read:store', 'read:products', 'write:products'])));
    const grants = await sandbox.grants();
    const old = grants.find((g) => g.tokens.some((t) => t.sha256 === digest(read.accessToken)))!;
    expect(old.tokens.every((t) => !t.active)).toBe(true);
    const fresh = grants.find((g) => g.tokens.some((t) => t.sha256 === digest(write.accessToken)))!;
    expect(fresh.revoked).toBe(false);
  });

  it('when the step-up sign-in is not completed: INSUFFICIENT_SCOPE naming the scope, the link and the command', async () => {
    const { b } = await broker({ WHATALO_LOGIN_TIMEOUT: '1' });
    const read = await b.ensureAccess('read:store', approvingPerson);
    let link = '';
    const error = await b.ensureAccess('write:orders', { presentUrl: async (url) => void (link = url) }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      hint: expect.stringContaining(`whatalo-mcp login --scopes "${joinScopes(['read:store', 'read:products', 'write:orders'])}"`),
    });
    expect((error as Error).message).toContain('"write:orders"');
    expect((error as Error).message).toContain(link);
    // The grant that was there still works.
    expect((await b.ensureAccess('read:store')).accessToken).toBe(read.accessToken);
  });
});
