/**
 * Scale-out on a real `redis-server`: three `serve --http` processes (real processes, real
 * sockets) sharing one Redis and one sandbox, reached in turn by a round-robin in the test,
 * as a load balancer would spread requests.
 *
 * What a fleet must do that one process does alone: introspect and exchange each token once
 * per TTL for all replicas (counted at the sandbox), enforce one rate limit across replicas
 * (429 with Retry-After from any of them once the fleet total is over), see a revocation in
 * every replica within the TTL, and, with Redis killed, answer exactly as before with one
 * warning per replica (then one line when it is back). No token in any log line.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type AddressInfo, type Socket, createServer as createNetServer } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { clientAddress } from '../../src/server/http/rate-limit.js';
import { connectRedis } from '../../src/server/http/redis.js';
import { tokenDigest, tokenFleet } from '../../src/server/http/tokens.js';
import { type CliRun, spawnCli } from '../helpers/cli.js';
import { startTestHttpServer } from '../helpers/http-server.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { freePort } from '../helpers/ports.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { RELAXED_LIMITS, useTestSandbox } from '../helpers/sandbox.js';
import { register, registerRaw, signIn } from '../sandbox/as-kit.js';
import { REDIS, describeWith } from '../helpers/requirements.js';

const REPLICAS = 3;
/** Short, so a revocation is seen within the test; every count below is per TTL window. */
const TTL_SECONDS = 4;
const TENANT_LIMIT = 6;
const IP_LIMIT = 6;
const SCOPE = 'read:store read:products';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { result?: { isError?: boolean; structuredContent?: { store?: { id?: string } } }; error?: { code: number; message: string } | string };
}

let forwardedFor = 0;
/** Each request comes from its own address unless one is named: only the per-address test shares one. */
function nextAddress(): string {
  forwardedFor++;
  return `10.${(forwardedFor >> 8) & 255}.${forwardedFor & 255}.1`;
}

async function getStore(base: string, token: string | undefined, address = nextAddress()): Promise<Answer> {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      'x-forwarded-for': address,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_store', arguments: {} } }),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

function warnings(text: string): { msg: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .filter((line) => line.level === 'warn');
}

async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWith(REDIS, 'serve --http: three replicas sharing one Redis', () => {
  const sb = useTestSandbox({ limits: RELAXED_LIMITS });
  let redis: TestRedis;
  let publicUrl: string;
  const replicas: { run: CliRun; base: string }[] = [];
  let turn = 0;
  /** The round-robin in front of the fleet. */
  const next = () => replicas[turn++ % REPLICAS]!.base;

  /** A host application (its own client, so its own rate-limit budget) signed in to a store for this server. */
  async function tenant(storeIndex = 0): Promise<{ token: string; clientId: string; storeId: string }> {
    const client = await register(sb, { client_name: `Fleet tenant ${randomBytes(3).toString('hex')}` });
    const storeId = sb.stores[storeIndex % sb.stores.length]!.id;
    const tokens = await signIn(sb, client, { scope: SCOPE, storeId, extra: { resource: publicUrl }, tokenExtra: { resource: publicUrl } });
    return { token: tokens.access_token, clientId: client.client_id, storeId };
  }

  beforeAll(async () => {
    redis = await startRedis();
    publicUrl = `http://127.0.0.1:${await freePort()}/mcp`;
    // One registration for the whole fleet, as an operator provisions replicas.
    const rs = (await (await registerRaw(sb, { client_name: 'Fleet RS', resource: publicUrl, token_endpoint_auth_method: 'client_secret_basic' })).json()) as {
      client_id: string;
      client_secret: string;
    };
    const env = {
      WHATALO_REDIS_URL: redis.url,
      WHATALO_CACHE_KEY: randomBytes(32).toString('base64'),
      WHATALO_RS_CLIENT_ID: rs.client_id,
      WHATALO_RS_CLIENT_SECRET: rs.client_secret,
      WHATALO_INTROSPECTION_TTL: String(TTL_SECONDS),
      WHATALO_RATE_LIMIT_TENANT: String(TENANT_LIMIT),
      WHATALO_RATE_LIMIT_IP: String(IP_LIMIT),
      WHATALO_TRUST_PROXY_HOPS: '1',
      WHATALO_LOG_LEVEL: 'debug',
    };
    await Promise.all(
      Array.from({ length: REPLICAS }, async () => {
        const port = await freePort();
        const run = spawnCli(['serve', '--http', '--port', String(port), '--public-url', publicUrl, '--issuer', sb.issuer, '--api-base', sb.apiBase], {
          env,
          timeoutMs: 300_000,
        });
        replicas.push({ run, base: `http://127.0.0.1:${port}` });
        await run.waitForStderr(/listening on/);
        // A replica that could not connect in time at start says so and keeps trying: the tests start on a connected fleet.
        await run.waitForStderr(/sharing caches and rate limits through Redis|Redis reconnected/);
      }),
    );
  });

  afterAll(async () => {
    for (const { run } of replicas) run.kill();
    await Promise.all(replicas.map(({ run }) => run.result));
    await redis?.stop();
  });

  it('introspects and exchanges each token once per TTL for the whole fleet, with concurrent requests on every replica', async () => {
    const tenants = await Promise.all([0, 1, 2].map((i) => tenant(i)));
    await sb.resetStats();
    const started = Date.now();
    // Six requests per token at once, two on each replica: the replicas race for the same tokens.
    const answers = await Promise.all(tenants.flatMap((t) => Array.from({ length: 6 }, () => getStore(next(), t.token).then((a) => ({ a, t })))));
    const elapsed = Date.now() - started;
    const stats = await sb.stats();
    for (const { a, t } of answers) {
      expect(a.status).toBe(200);
      expect(a.body.result?.structuredContent?.store?.id).toBe(t.storeId);
    }
    // One per token per TTL window the burst spanned (one window unless the machine stalled for seconds).
    const windows = 1 + Math.floor(elapsed / (TTL_SECONDS * 1000));
    expect(stats.introspections).toBeGreaterThanOrEqual(tenants.length);
    expect(stats.introspections).toBeLessThanOrEqual(tenants.length * windows);
    // Exchanged tokens are shared (sealed with the cache key) until they expire: one per token.
    expect(stats.exchanges).toBe(tenants.length);
  });

  it('holds one rate limit per store and client across the fleet: 429 with Retry-After from any replica once the total is over', async () => {
    const t = await tenant();
    for (let i = 0; i < TENANT_LIMIT; i++) expect((await getStore(next(), t.token)).status).toBe(200);
    // Each replica has seen only a third of the budget spent, yet every one refuses the next request.
    for (const { base } of replicas) {
      const refused = await getStore(base, t.token);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
      expect((refused.body.error as { message: string }).message).toMatch(/store and client/);
    }
    // Another host application on the same store has its own budget.
    expect((await getStore(next(), (await tenant()).token)).status).toBe(200);
  });

  it('charges a batch one unit per tool call against the fleet-wide tenant budget', async () => {
    const t = await tenant();
    const batch = async (base: string, n: number) =>
      (
        await fetch(`${base}/mcp`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${t.token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2025-03-26',
            'x-forwarded-for': nextAddress(),
          },
          body: JSON.stringify(
            Array.from({ length: n }, (_, id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_store', arguments: {} } })),
          ),
        })
      ).status;
    // 4 of 6 on one replica; 3 more on another is 7, over the fleet's budget (one request each would have been 2).
    expect(await batch(replicas[0]!.base, 4)).toBe(200);
    expect(await batch(replicas[1]!.base, 3)).toBe(429);
  });

  it('holds one limit per client address before auth, so made-up tokens cannot buy introspections', async () => {
    const address = '203.0.113.9';
    await sb.resetStats();
    for (let i = 0; i < IP_LIMIT; i++) expect((await getStore(next(), `made-up-${i}`, address)).status).toBe(401);
    const before = (await sb.stats()).introspections;
    const t = await tenant();
    for (const { base } of replicas) {
      const refused = await getStore(base, t.token, address);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((refused.body.error as { message: string }).message).toMatch(/client address/);
    }
    // Refused before the token was looked at: the AS was not asked.
    expect((await sb.stats()).introspections).toBe(before);
    expect((await getStore(next(), t.token)).status).toBe(200);
  });

  it('sees a revocation (/sandbox disconnect) in every replica within the TTL', async () => {
    const t = await tenant(1);
    for (const { base } of replicas) expect((await getStore(base, t.token)).status).toBe(200);
    expect(await sb.disconnect(t.clientId, t.storeId)).toBeGreaterThan(0);
    // Every entry made before the disconnect ends within one TTL of it, wherever it is kept.
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 300));
    for (const { base } of replicas) {
      const refused = await getStore(base, t.token);
      expect(refused.status).toBe(401);
      expect(JSON.stringify(refused.body)).toContain('invalid_token');
    }
    // Refusals are not cached either: each later request asks again, and is refused again.
    const before = (await sb.stats()).introspections;
    for (const { base } of replicas) expect((await getStore(base, t.token)).status).toBe(401);
    expect((await sb.stats()).introspections).toBe(before + REPLICAS);
  });

  it('answers correctly with Redis killed mid-run, with exactly one warning per replica, and one line when it is back', async () => {
    const marks = replicas.map(({ run }) => run.stderr().length);
    const since = (i: number) => replicas[i]!.run.stderr().slice(marks[i]);
    const warm = await tenant(2);
    for (const { base } of replicas) expect((await getStore(base, warm.token)).status).toBe(200);

    await redis.kill();
    await eventually('every replica to notice Redis is gone', () => replicas.every((_, i) => /Redis unreachable/.test(since(i))));
    const fresh = await tenant(0);
    await sb.resetStats();
    for (let round = 0; round < 2; round++) {
      for (const { base } of replicas) {
        // Tokens already known and new ones are still served, from their own store ...
        for (const t of [warm, fresh]) {
          const answer = await getStore(base, t.token);
          expect(answer.status).toBe(200);
          expect(answer.body.result?.structuredContent?.store?.id).toBe(t.storeId);
        }
        // ... and anything else is still refused: Redis gone never means auth skipped, and never a 5xx.
        expect((await getStore(base, 'not-a-token')).status).toBe(401);
        expect((await getStore(base, undefined)).status).toBe(401);
      }
    }
    // Nothing is shared now: each replica asked the AS about the new token for itself.
    expect((await sb.stats()).introspections).toBeGreaterThanOrEqual(REPLICAS);
    for (let i = 0; i < REPLICAS; i++) {
      expect(warnings(since(i))).toHaveLength(1);
      expect(warnings(since(i))[0]!.msg).toMatch(/^Redis unreachable/);
    }

    await redis.restart();
    await eventually('every replica to reconnect', () => replicas.every((_, i) => /Redis reconnected/.test(since(i))));
    for (let i = 0; i < REPLICAS; i++) expect(since(i).match(/Redis reconnected/g)).toHaveLength(1);
    // Shared again: a new token is introspected once for the fleet.
    const after = await tenant(1);
    await sb.resetStats();
    for (const { base } of replicas) expect((await getStore(base, after.token)).status).toBe(200);
    expect((await sb.stats()).introspections).toBe(1);
  });

  it('writes no token in any log line of any replica (debug level), and nothing on stdout', async () => {
    for (const { run } of replicas) run.kill();
    const results = await Promise.all(replicas.map(({ run }) => run.result));
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
    }
    const report = await sweepForTokens(sb, { texts: Object.fromEntries(results.map((r, i) => [`replica ${i} stderr`, r.stderr])) });
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.leaks).toEqual([]);
  });
});

describeWith(REDIS, 'serve --http when Redis is down from the start, or hangs', () => {
  const sb = useTestSandbox({ limits: RELAXED_LIMITS });

  async function signedIn(publicUrl: URL): Promise<string> {
    const client = await register(sb, { client_name: 'Single-replica tenant' });
    return (
      await signIn(sb, client, { scope: SCOPE, storeId: sb.stores[0]!.id, extra: { resource: publicUrl.href }, tokenExtra: { resource: publicUrl.href } })
    ).access_token;
  }

  it('starts, serves from its own caches with one warning, and still refuses what it must', async () => {
    const lines: string[] = [];
    const { server, publicUrl } = await startTestHttpServer(sb, {
      redisUrl: new URL(`redis://127.0.0.1:${await freePort()}`),
      rateLimits: { perIp: 100, perTenant: 2, windowSeconds: 60 },
      log: (line) => lines.push(line),
    });
    try {
      const client = await register(sb, { client_name: 'No-Redis tenant' });
      const tokens = await signIn(sb, client, {
        scope: SCOPE,
        storeId: sb.stores[0]!.id,
        extra: { resource: publicUrl.href },
        tokenExtra: { resource: publicUrl.href },
      });
      const base = publicUrl.origin;
      await sb.resetStats();
      expect((await getStore(base, tokens.access_token)).status).toBe(200);
      expect((await getStore(base, tokens.access_token)).status).toBe(200);
      // The per-process limit stands in for the shared one.
      expect((await getStore(base, tokens.access_token)).status).toBe(429);
      expect((await getStore(base, 'not-a-token')).status).toBe(401);
      expect((await sb.stats()).introspections).toBe(2);
    } finally {
      await server.close();
    }
    const warned = warnings(lines.join('\n'));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.msg).toMatch(/^Redis unreachable/);
  });

  it('starts against a Redis that accepts connections and never answers, within its connect bound', async () => {
    const sockets = new Set<Socket>();
    const blackHole = createNetServer((socket) => sockets.add(socket.on('error', () => {})));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    try {
      const { server, publicUrl } = await startTestHttpServer(sb, {
        redisUrl: new URL(`redis://127.0.0.1:${(blackHole.address() as AddressInfo).port}`),
        log: (line) => lines.push(line),
      });
      try {
        expect((await getStore(publicUrl.origin, await signedIn(publicUrl))).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
    expect(warnings(lines.join('\n')).map((w) => w.msg)).toEqual([expect.stringMatching(/^Redis unreachable/)]);
  });

  it('keeps answering while Redis hangs mid-run (every wait on it is bounded), drops it with one warning, and says when it is back', async () => {
    const redis = await startRedis();
    const lines: string[] = [];
    const text = () => lines.join('\n');
    try {
      const { server, publicUrl } = await startTestHttpServer(sb, { redisUrl: new URL(redis.url), log: (line) => lines.push(line) });
      try {
        const base = publicUrl.origin;
        const warm = await signedIn(publicUrl);
        expect((await getStore(base, warm)).status).toBe(200);
        redis.pause();
        // A new token needs Redis first (lookup, lease): each of those waits gives up, and the replica asks the AS itself.
        for (const token of [warm, await signedIn(publicUrl), await signedIn(publicUrl)]) expect((await getStore(base, token)).status).toBe(200);
        await eventually('the replica to give the hung Redis up', () => /Redis unreachable/.test(text()));
        expect((await getStore(base, await signedIn(publicUrl))).status).toBe(200);
        redis.resume();
        await eventually('the replica to reconnect', () => /Redis reconnected/.test(text()));
        expect((await getStore(base, await signedIn(publicUrl))).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await redis.stop();
    }
    expect(warnings(text()).map((w) => w.msg)).toEqual([expect.stringMatching(/^Redis unreachable/)]);
    expect(text().match(/Redis reconnected/g)).toHaveLength(1);
  });
});

describeWith(REDIS, 'what the fleet keeps in Redis', () => {
  let redis: TestRedis;
  let raw: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    await raw.connect();
  });
  afterAll(async () => {
    raw?.destroy();
    await redis?.stop();
  });

  const verified = { clientId: 'cli_1', storeId: 'str_1', merchant: 'usr_1', scopes: ['read:store'], exp: Math.floor(Date.now() / 1000) + 3600 };
  const exchanged = { accessToken: 'exchanged-token-for-api-v1-do-not-leak', scopes: ['read:store'] };

  it('holds no token in clear with a cache key, and treats a tampered or planted entry as a miss', async () => {
    const store = await connectRedis(new URL(redis.url), silentLogger);
    try {
      const fleet = tokenFleet({ store, cacheKey: randomBytes(32), namespace: 'sealed-test' });
      const digest = tokenDigest('the-inbound-token');
      let fills = 0;
      const fill =
        <T>(value: T) =>
        async () => {
          fills++;
          return { value, until: Date.now() + 30_000 };
        };
      expect((await fleet.introspections.fetch(digest, fill(verified)))?.value).toEqual(verified);
      expect((await fleet.exchanges.fetch(digest, fill(exchanged)))?.value).toEqual(exchanged);
      expect((await fleet.introspections.fetch(digest, fill(verified)))?.value).toEqual(verified);
      expect(fills).toBe(2);

      const keys = await raw.keys('whatalo-mcp:sealed-test:*');
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).not.toContain(digest);
        const value = (await raw.get(key))!;
        for (const secret of [exchanged.accessToken, 'str_1', digest]) expect(value).not.toContain(secret);
        // One changed character: the seal no longer opens, so the replica asks the AS again.
        const at = value.length - 2;
        await raw.set(key, value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1), { PX: 30_000 });
      }
      expect((await fleet.introspections.fetch(digest, fill(verified)))?.value).toEqual(verified);
      expect(fills).toBe(3);
      // An entry planted in clear under the name an unsealed fleet would use is not read either.
      const planted = { value: { ...verified, storeId: 'str_victim' }, until: Date.now() + 30_000 };
      await raw.set(`whatalo-mcp:sealed-test:introspection:${tokenDigest('made-up')}`, JSON.stringify(planted), { PX: 30_000 });
      expect(await fleet.introspections.fetch(tokenDigest('made-up'), async () => null)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('without a cache key, shares introspections (no token in them) but never exchanged tokens', async () => {
    const store = await connectRedis(new URL(redis.url), silentLogger);
    try {
      const fleet = tokenFleet({ store, cacheKey: undefined, namespace: 'plain-test' });
      const digest = tokenDigest('another-inbound-token');
      await fleet.introspections.fetch(digest, async () => ({ value: verified, until: Date.now() + 30_000 }));
      await fleet.exchanges.fetch(digest, async () => ({ value: exchanged, until: Date.now() + 30_000 }));
      const keys = await raw.keys('whatalo-mcp:plain-test:*');
      expect(keys).toEqual([`whatalo-mcp:plain-test:introspection:${digest}`]);
      expect(await raw.get(keys[0]!)).not.toContain('another-inbound-token');
    } finally {
      await store.close();
    }
  });
});

describe('Redis and rate-limit configuration, client addresses', () => {
  it('refuses a cache key of the wrong length, a non-Redis URL and a key without Redis, without echoing the values', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadConfig({ WHATALO_REDIS_URL: 'redis://127.0.0.1:6379', WHATALO_CACHE_KEY: short })).toThrow(
      /WHATALO_CACHE_KEY must be 32 random bytes.*got 16 bytes/,
    );
    expect(() => loadConfig({ WHATALO_REDIS_URL: 'redis://127.0.0.1:6379', WHATALO_CACHE_KEY: short })).not.toThrow(short);
    expect(() => loadConfig({ WHATALO_REDIS_URL: 'http://user:s3cret@cache:6379' })).toThrow(/WHATALO_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ WHATALO_REDIS_URL: 'http://user:s3cret@cache:6379' })).not.toThrow(/s3cret/);
    expect(() => loadConfig({ WHATALO_CACHE_KEY: randomBytes(32).toString('hex') })).toThrow(/WHATALO_CACHE_KEY needs WHATALO_REDIS_URL/);
    expect(() => loadConfig({ WHATALO_RATE_LIMIT_TENANT: 'lots' })).toThrow(/WHATALO_RATE_LIMIT_TENANT must be a whole number/);
  });

  it('takes a key as hex or base64, and has documented rate-limit defaults', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(loadConfig({ WHATALO_REDIS_URL: 'rediss://:pw@cache.internal:6380/2', WHATALO_CACHE_KEY: text }).cacheKey).toEqual(key);
    }
    expect(loadConfig({}).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });

  it('takes the client address from the socket, or that many X-Forwarded-For entries from the right as there are trusted proxies', () => {
    const req = (forwarded?: string) =>
      ({ socket: { remoteAddress: '10.0.0.2' }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;
    expect(clientAddress(req('203.0.113.9'), 0)).toBe('10.0.0.2');
    // The left entries are whatever the client wrote: one trusted proxy means only its own entry counts.
    expect(clientAddress(req('198.51.100.1, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientAddress(req('198.51.100.1, 203.0.113.9'), 2)).toBe('198.51.100.1');
    expect(clientAddress(req(), 1)).toBe('10.0.0.2');
    expect(clientAddress(req('not-an-address'), 1)).toBe('10.0.0.2');
  });
});
