/**
 * The session against the sandbox: refresh at expiry, single-flight within a process, the
 * re-read under the lock that keeps two holders of one grant from revoking it, invalid_grant
 * ending the session once (no loop), transient failures keeping the grant.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createBroker } from '../../src/auth/broker.js';
import { type CredentialStore, openCredentialStore } from '../../src/auth/credentials/index.js';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { grantAccount, readStoredGrant } from '../../src/auth/grant.js';
import { readRegisteredClient } from '../../src/auth/registration.js';
import { type Session, createSession, directTarget } from '../../src/auth/session.js';
import type { Config } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { approvingPerson, digest, sandboxConfig, setFaults, tempDir, useApprovingSandbox } from './kit.js';

const sandbox = useApprovingSandbox();

/** The local clock the sessions see: real time plus what the test moved it by. */
let skewMs = 0;
const now = () => Date.now() + skewMs;

let config: Config;
let store: CredentialStore;

/** A fresh config dir with a signed-in grant (file store, so several sessions share it). */
async function signedIn(): Promise<void> {
  skewMs = 0;
  config = sandboxConfig(sandbox, await tempDir(), { WHATALO_CREDENTIAL_STORE: 'file' });
  const broker = createBroker(config, { logger: silentLogger, requestedScopes: ['read:store'] });
  await broker.ensureAccess('read:store', approvingPerson);
  await broker.close();
  store = await openCredentialStore(config, { logger: silentLogger });
}

function session(): Session {
  return createSession({
    config,
    target: directTarget(config),
    logger: silentLogger,
    store,
    http: {},
    now,
    server: () => discoverAuthorizationServer(config.issuer),
  });
}

async function storedTokens() {
  const client = await readRegisteredClient(config.configDir, config.issuer.href);
  if (!client) return { client, grant: null };
  return { client, grant: await readStoredGrant(store, grantAccount(config.issuer.href, client.client_id)) };
}

/** Moves both clocks past the access token's lifetime (3600 s). */
async function expireAccessToken(): Promise<void> {
  await sandbox.advanceClock(3601);
  skewMs += 3601_000;
}

beforeEach(async () => {
  await setFaults(sandbox, []);
});

describe('getAccessToken', () => {
  it('returns the stored token while it is valid, without asking the AS', async () => {
    await signedIn();
    const s = session();
    const before = await sandbox.stats();
    const first = await s.getAccessToken();
    expect(await s.getAccessToken()).toBe(first);
    const after = await sandbox.stats();
    expect(after.requests['POST /oauth/token'] ?? 0).toBe(before.requests['POST /oauth/token'] ?? 0);
  });

  it('50 concurrent calls after expiry make exactly one refresh, and all get the new token', async () => {
    await signedIn();
    const s = session();
    const old = await s.getAccessToken();
    await expireAccessToken();
    const before = await sandbox.stats();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => s.getAccessToken()));
    const after = await sandbox.stats();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(old);
    // The new token is live at the AS and is what the store now holds.
    const grants = await sandbox.grants();
    const live = grants.flatMap((g) => g.tokens).find((t) => t.sha256 === digest(tokens[0]!));
    expect(live).toMatchObject({ kind: 'access', active: true });
    expect((await storedTokens()).grant?.tokens?.access_token).toBe(tokens[0]);
  });

  it('refreshes within 60 s of expiry, not only after it', async () => {
    await signedIn();
    const s = session();
    const old = await s.getAccessToken();
    skewMs += (3600 - 30) * 1000; // 30 s left by the local clock
    const before = await sandbox.stats();
    expect(await s.getAccessToken()).not.toBe(old);
    expect((await sandbox.stats()).refreshes - before.refreshes).toBe(1);
  });

  it('a second holder of the grant re-reads the store under the lock instead of replaying a rotated refresh token', async () => {
    await signedIn();
    const a = session();
    const b = session();
    await a.getAccessToken();
    await b.getAccessToken(); // b now holds the same tokens in memory
    await expireAccessToken();
    const before = await sandbox.stats();
    const fromA = await a.getAccessToken();
    const fromB = await b.getAccessToken();
    expect(fromB).toBe(fromA);
    expect((await sandbox.stats()).refreshes - before.refreshes).toBe(1);
    // No replay: the grant is alive.
    const grants = await sandbox.grants();
    const grant = grants.find((g) => g.tokens.some((t) => t.sha256 === digest(fromA)))!;
    expect(grant.revoked).toBe(false);
  });

  it('forceRefresh replaces a token introspection called inactive, once, and not if another holder already did', async () => {
    await signedIn();
    const a = session();
    const b = session();
    const old = await a.getAccessToken();
    await b.getAccessToken();
    const before = await sandbox.stats();
    const renewed = await a.forceRefresh(old);
    expect(renewed).not.toBe(old);
    expect(await b.forceRefresh(old)).toBe(renewed);
    expect((await sandbox.stats()).refreshes - before.refreshes).toBe(1);
  });

  it('after the merchant revoked access, says signed out once, clears the tokens and keeps the client', async () => {
    await signedIn();
    const s = session();
    await s.getAccessToken();
    const { client } = await storedTokens();
    await sandbox.disconnect(client!.client_id, sandbox.stores[0]!.id);
    await expireAccessToken();
    const tokenRequests = async () => (await sandbox.stats()).requests['POST /oauth/token'] ?? 0;
    const before = await tokenRequests();
    await expect(s.getAccessToken()).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      message: 'Whatalo access was revoked or has expired.',
      hint: expect.stringContaining('whatalo-mcp login'),
    });
    const stored = await storedTokens();
    expect(stored.grant?.tokens).toBeNull();
    expect(stored.grant?.client_secret).toBeTruthy();
    // No loop: the next calls say "not signed in" without asking the AS again.
    await expect(s.getAccessToken()).rejects.toMatchObject({ code: 'AUTH_REQUIRED', details: { reason: 'not_signed_in' } });
    await expect(session().getAccessToken()).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await tokenRequests()) - before).toBe(1);
  });

  it('a 503 or an unreachable token endpoint is AS_UNREACHABLE and keeps the grant; the next call refreshes', async () => {
    await signedIn();
    const s = session();
    const old = await s.getAccessToken();
    await expireAccessToken();
    await setFaults(sandbox, [{ path: '/oauth/token', status: 503, count: 1 }]);
    await expect(s.getAccessToken()).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    expect((await storedTokens()).grant?.tokens?.access_token).toBe(old);
    await setFaults(sandbox, [{ path: '/oauth/token', drop: true, count: 1 }]);
    await expect(s.getAccessToken()).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    expect((await storedTokens()).grant?.tokens?.access_token).toBe(old);
    const renewed = await s.getAccessToken();
    expect(renewed).not.toBe(old);
  });
});
