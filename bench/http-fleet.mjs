/**
 * Figures 4c and 4d: what a fleet of `serve --http` replicas costs the authorization server,
 * read from the sandbox's own counters. Three replicas behind a round-robin (this process
 * picks the next one for every request), many tokens, each token's requests spread over all
 * replicas at once, well inside one introspection TTL; run twice side by side: sharing a
 * redis-server (started here on a free loopback port, nothing saved) with a cache key, and
 * without Redis. Counts are exact: introspections and exchanges per token per TTL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { freePort, startChild } from './lib/proc.mjs';
import { directToken, resetStats, stats } from './lib/sandbox.mjs';
import { ROOT } from './lib/servers.mjs';

const REPLICAS = 3;
const REDIS_SERVER = '/usr/bin/redis-server';
const CONCURRENCY = 16;
const SCOPE = 'read:store';

async function startRedis() {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is absent (apt-get install redis-server)`);
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const stop = await startChild('redis-server', REDIS_SERVER, args, process.env, /Ready to accept connections/);
  return Object.assign(stop, { url: `redis://127.0.0.1:${port}` });
}

async function registerResourceServer(issuer, resource) {
  const response = await fetch(`${issuer}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // As the server registers itself (CONTRACT A5 requires redirect_uris, though a resource server never redirects).
    body: JSON.stringify({
      client_name: 'whatalo-mcp bench fleet',
      redirect_uris: [new URL('/oauth/no-redirect', resource).href],
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  });
  if (response.status !== 201) throw new Error(`resource server registration: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Three replicas of one deployment: one public URL, one RS registration, the same environment. */
async function startFleet(sandbox, extraEnv) {
  const publicUrl = `http://127.0.0.1:${await freePort()}/mcp`;
  const rs = await registerResourceServer(sandbox.issuer, publicUrl);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    WHATALO_CREDENTIAL_STORE: 'memory',
    WHATALO_RS_CLIENT_ID: rs.client_id,
    WHATALO_RS_CLIENT_SECRET: rs.client_secret,
    // This figure counts AS requests; every request here comes from one address and one bench.
    WHATALO_RATE_LIMIT_IP: '0',
    WHATALO_RATE_LIMIT_TENANT: '0',
    WHATALO_LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const stops = [];
  const replicas = await Promise.all(
    Array.from({ length: REPLICAS }, async (_, i) => {
      const port = await freePort();
      const args = [
        'dist/cli.js',
        'serve',
        '--http',
        '--port',
        String(port),
        '--public-url',
        publicUrl,
        '--issuer',
        sandbox.issuer,
        '--api-base',
        sandbox.apiBase,
      ];
      stops.push(await startChild(`replica ${i}`, process.execPath, args, env, /listening on/));
      return `http://127.0.0.1:${port}/mcp`;
    }),
  );
  return { publicUrl, replicas, stop: () => Promise.all(stops.map((stop) => stop())) };
}

async function getStore(url, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_store', arguments: {} } }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.result?.isError)
    throw new Error(`get_store through the fleet: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
}

/** Every token's requests interleaved, so the same token reaches all replicas at the same moment. */
async function measure(sandbox, fleet, plan) {
  const tokens = [];
  for (let i = 0; i < plan.fleetTokens; i++) tokens.push(await directToken(sandbox.issuer, SCOPE, { resource: fleet.publicUrl }));
  await resetStats(sandbox.issuer);
  const total = plan.fleetTokens * plan.fleetRequestsPerToken;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await getStore(fleet.replicas[i % REPLICAS], tokens[Math.floor(i / REPLICAS) % tokens.length]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const counted = await stats(sandbox.issuer);
  return { introspections: counted.introspections / tokens.length, exchanges: counted.exchanges / tokens.length, seconds, requests: total };
}

function exact(n) {
  return { median: n, min: n, max: n, runs: 1 };
}

/** One fleet at a time, so the other's processes take no CPU from it. */
async function withFleet(sandbox, env, plan) {
  const fleet = await startFleet(sandbox, env);
  try {
    return await measure(sandbox, fleet, plan);
  } finally {
    await fleet.stop();
  }
}

export async function httpFleet(ctx, plan) {
  const sandbox = ctx.sandbox;
  const without = await withFleet(sandbox, {}, plan);
  const stopRedis = await startRedis();
  const shared = await withFleet(sandbox, { WHATALO_REDIS_URL: stopRedis.url, WHATALO_CACHE_KEY: randomBytes(32).toString('base64') }, plan).finally(stopRedis);
  const detail = {
    replicas: REPLICAS,
    tokens: plan.fleetTokens,
    requests_per_token: plan.fleetRequestsPerToken,
    concurrency: CONCURRENCY,
    ttl_seconds: 60,
    with_redis: shared,
    without_redis: without,
    note: 'each run lasts well under one TTL, so the counts are per token per TTL',
  };
  return [
    {
      id: 'fleet_introspections_per_token',
      figure: `4c. Introspections per token per TTL, ${REPLICAS} HTTP replicas`,
      unit: 'requests',
      whatalo: exact(shared.introspections),
      baseline: exact(without.introspections),
      baselineText: `${without.introspections} (the same fleet without Redis)`,
      target: { kind: 'count', max: 1, text: `1 with Redis (${REPLICAS} without)` },
      met: shared.introspections <= 1 && without.introspections <= REPLICAS,
      detail,
    },
    {
      id: 'fleet_exchanges_per_token',
      figure: `4d. Token exchanges per token per TTL, ${REPLICAS} HTTP replicas`,
      unit: 'requests',
      whatalo: exact(shared.exchanges),
      baseline: exact(without.exchanges),
      baselineText: `${without.exchanges} (the same fleet without Redis)`,
      target: { kind: 'count', max: 1, text: `1 with Redis + cache key (${REPLICAS} without)` },
      met: shared.exchanges <= 1 && without.exchanges <= REPLICAS,
      detail,
    },
  ];
}
