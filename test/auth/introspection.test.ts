/**
 * The introspection cache against the sandbox (CONTRACT A11, A12, A14): active:true cached
 * for the TTL and never past exp, active:false never cached, concurrent checks of one token
 * share one request, a failed check fails closed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBroker } from '../../src/auth/broker.js';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { type TokenInfo, createIntrospectionCache, introspectToken } from '../../src/auth/introspection.js';
import { openCredentialStore } from '../../src/auth/credentials/index.js';
import { grantAccount, readStoredGrant } from '../../src/auth/grant.js';
import { readRegisteredClient } from '../../src/auth/registration.js';
import { silentLogger } from '../../src/log.js';
import { approvingPerson, registerTestClient, sandboxConfig, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();
let token: string;
let introspect: (token: string) => Promise<TokenInfo>;
beforeAll(async () => {
  const config = sandboxConfig(sandbox, await tempDir(), { WHATALO_CREDENTIAL_STORE: 'file' });
  const broker = createBroker(config, { logger: silentLogger, requestedScopes: ['read:store'] });
  token = (await broker.ensureAccess('read:store', approvingPerson)).accessToken;
  await broker.close();
  const client = (await readRegisteredClient(config.configDir, config.issuer.href))!;
  const store = await openCredentialStore(config, { logger: silentLogger });
  const secret = (await readStoredGrant(store, grantAccount(config.issuer.href, client.client_id)))!.client_secret;
  const as = await discoverAuthorizationServer(config.issuer);
  introspect = (t) =>
    introspectToken(
      as,
      config.issuer,
      { client_id: client.client_id, client_secret: secret, token_endpoint_auth_method: client.token_endpoint_auth_method },
      t,
      {},
      config.apiResource,
    );
});
afterAll(() => setFaults(sandbox, []));
beforeEach(() => setFaults(sandbox, []));

const introspections = async () => (await sandbox.stats()).introspections;

describe('introspectToken', () => {
  it('describes an active token: scopes, store, merchant, exp', async () => {
    const info = await introspect(token);
    expect(info).toMatchObject({ active: true, scopes: ['read:store'], storeId: sandbox.stores[0]!.id, merchant: sandbox.merchant });
  });

  it('says inactive for anything else', async () => {
    expect(await introspect('A'.repeat(43))).toEqual({ active: false });
  });

  it('another client never gets our token described as its own; a wrong secret is refused as invalid_client', async () => {
    const issuer = new URL(sandbox.issuer);
    const as = await discoverAuthorizationServer(issuer);
    const other = await registerTestClient(as, issuer);
    // Whatalo describes any token to any confidential client (CONTRACT A11); the answer then
    // names our client_id, which the other client refuses (B4). A stricter AS says inactive.
    const seen = await introspectToken(as, issuer, other, token).catch((error: unknown) => error);
    if (seen instanceof Error) expect(seen).toMatchObject({ code: 'AS_PROTOCOL', message: expect.stringContaining('"client_id"') });
    else expect(seen).toEqual({ active: false });
    await expect(introspectToken(as, issuer, { ...other, client_secret: 'wrong' }, token)).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      details: { oauth_error: 'invalid_client' },
    });
  });
});

describe('the cache', () => {
  it('caches active:true for the TTL, then asks again', async () => {
    let clock = Date.now();
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect, now: () => clock });
    const before = await introspections();
    await cache.check(token);
    await cache.check(token);
    expect((await introspections()) - before).toBe(1);
    clock += 61_000;
    await cache.check(token);
    expect((await introspections()) - before).toBe(2);
  });

  it('never past the token exp', async () => {
    const info = await introspect(token);
    if (!info.active || info.exp === null) throw new Error('expected an active token with exp');
    let clock = info.exp * 1000 - 10_000; // 10 s before exp: cached at most 10 s, not 60
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect, now: () => clock });
    const before = await introspections();
    await cache.check(token);
    clock += 11_000;
    await cache.check(token);
    expect((await introspections()) - before).toBe(2);
  });

  it('never caches active:false', async () => {
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect });
    const before = await introspections();
    await cache.check('B'.repeat(43));
    await cache.check('B'.repeat(43));
    expect((await introspections()) - before).toBe(2);
  });

  it('shares one request among concurrent checks of one token, also with TTL 0', async () => {
    const cache = createIntrospectionCache({ ttlSeconds: 0, introspect });
    const before = await introspections();
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.check(token)));
    expect((await introspections()) - before).toBe(1);
    expect(answers.every((a) => a.active)).toBe(true);
    await cache.check(token);
    expect((await introspections()) - before).toBe(2);
  });

  it('fails closed: a 503 or a dropped connection rejects with AS_UNREACHABLE and is not cached', async () => {
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect });
    await setFaults(sandbox, [
      { path: '/oauth/introspect', status: 503, count: 1 },
      { path: '/oauth/introspect', drop: true, count: 1 },
    ]);
    await expect(cache.check(token)).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    await expect(cache.check(token)).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    await expect(cache.check(token)).resolves.toMatchObject({ active: true });
  });

  it('prime() seeds an answer under the same rules: TTL from when it was asked, never past exp, never inactive', async () => {
    const info = await introspect(token);
    if (!info.active || info.exp === null) throw new Error('expected an active token with exp');
    let clock = info.exp * 1000 - 100_000;
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect, now: () => clock });
    const before = await introspections();
    cache.prime(token, info, clock - 50_000); // asked 50 s ago: 10 s of TTL left
    await cache.check(token);
    expect((await introspections()) - before).toBe(0);
    clock += 11_000;
    await cache.check(token);
    expect((await introspections()) - before).toBe(1);

    // Close to exp, the token's expiry bounds a primed answer too.
    clock = info.exp * 1000 - 5_000;
    const nearExp = createIntrospectionCache({ ttlSeconds: 60, introspect, now: () => clock });
    nearExp.prime(token, info, clock);
    clock += 6_000;
    await nearExp.check(token).catch(() => undefined);
    expect((await introspections()) - before).toBe(2);

    const inactive = createIntrospectionCache({ ttlSeconds: 60, introspect });
    inactive.prime('B'.repeat(43), { active: false });
    await inactive.check('B'.repeat(43));
    expect((await introspections()) - before).toBe(3);
  });

  it('invalidate() drops a cached answer', async () => {
    const cache = createIntrospectionCache({ ttlSeconds: 60, introspect });
    const before = await introspections();
    await cache.check(token);
    cache.invalidate(token);
    await cache.check(token);
    expect((await introspections()) - before).toBe(2);
  });
});
