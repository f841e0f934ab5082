/**
 * The HTTP figures (H1–H3): `serve --http` (a resource server: Bearer check by introspection,
 * RFC 8693 exchange, Host/Origin checks, per-process rate limits, a JSON log line per
 * request) against bench/http-floor-server.mjs (the bare stateless SDK HTTP server forwarding
 * the same get_product, no auth) and the direct API request, side by side in one run. Both MCP servers are separate processes driven by
 * plain JSON-RPC POSTs from this process over keep-alive connections (bench/lib/request-json.mjs,
 * as the direct request), so the client costs the same on every side and stays small.
 *
 * The caches are warm: one call before measuring fills the introspection and exchange
 * entries of the bench's token (60 s TTL; a longer run re-introspects once a minute).
 */
import path from 'node:path';
import { envelope } from './memory.mjs';
import { pool } from './lib/mcp.mjs';
import { requestJson } from './lib/request-json.mjs';
import { freePort, rssOf, startChild, tempDir } from './lib/proc.mjs';
import { directToken } from './lib/sandbox.mjs';
import { overheadFigures } from './overhead.mjs';
import { throughputFigures } from './throughput.mjs';

const MEMORY_CONCURRENCY = 16;

function childEnv(extra) {
  const home = tempDir('whatalo-bench-home-');
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', WHATALO_CONFIG_DIR: path.join(home, 'whatalo-mcp'), ...extra };
}

/** `serve --http` on a free port against the sandbox process, logging at info as deployed (a JSON line per request). */
async function startServeHttp(sandbox) {
  const url = `http://127.0.0.1:${await freePort()}/mcp`;
  const cli = process.env.BENCH_WHATALO_CLI ?? 'dist/cli.js';
  const args = [cli, 'serve', '--http', '--port', new URL(url).port, '--public-url', url, '--issuer', sandbox.issuer, '--api-base', sandbox.apiBase];
  // Limits so high no run meets a 429 (as for the sandbox), but still counted on every request.
  const env = childEnv({ WHATALO_CREDENTIAL_STORE: 'memory', WHATALO_RATE_LIMIT_IP: '1000000', WHATALO_RATE_LIMIT_TENANT: '1000000' });
  const stop = await startChild('serve --http', process.execPath, args, env, /MCP resource server for .* listening on/);
  return { url, pid: stop.pid, stop };
}

async function startFloor(sandbox, { token, storeId }) {
  const port = await freePort();
  const env = childEnv({ BENCH_API_BASE: sandbox.apiBase, BENCH_TOKEN: token, BENCH_STORE_ID: storeId, BENCH_PORT: String(port) });
  const stop = await startChild('http-floor-server', process.execPath, ['bench/http-floor-server.mjs'], env, /listening on/);
  return { url: `http://127.0.0.1:${port}/mcp`, pid: stop.pid, stop };
}

/** One get_product tools/call per invocation, as a stateless client sends it; throws on any failure. */
function caller(url, productId, token) {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  let id = 0;
  return async function callOverHttp() {
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'get_product', arguments: { product_id: productId } } });
    const { status, body: answer } = await requestJson(url, { method: 'POST', headers, body });
    if (status !== 200 || answer.error || answer.result?.isError) throw new Error(`${url} answered ${status}: ${JSON.stringify(answer).slice(0, 200)}`);
    return answer;
  };
}

export async function http(ctx, plan) {
  const { sandbox, direct } = ctx;
  const floor = await startFloor(sandbox, direct);
  const ours = await startServeHttp(sandbox);
  try {
    const { ALL_SCOPES } = await import('../dist/scopes.js');
    // A token for this server (resource = its public URL), as an HTTP MCP client holds one.
    const token = await directToken(sandbox.issuer, ALL_SCOPES.join(' '), { resource: ours.url });
    const fns = { mcp: caller(ours.url, direct.productId, token), floor: caller(floor.url, direct.productId), direct: ctx.callDirect };
    await fns.mcp();
    await fns.floor();
    const rows = [
      ...(await overheadFigures(fns, plan, { id: 'http_overhead', figure: 'H2. HTTP call latency added' })),
      // Fewer requests per run than the stdio figure: an HTTP request costs several times a stdio call.
      // One pair of HTTP servers for every run (their ratio meets its target with room to spare),
      // warmed for plan.jitWarmup calls first like figure 3's (lib/jit-warmup.mjs).
      ...(await throughputFigures(
        async () => ({ fns, close: async () => {} }),
        { ...plan, throughputCalls: plan.httpThroughputCalls, throughputRuns: plan.httpThroughputRuns, throughputProcesses: 1 },
        {
          id: 'http_throughput',
          figure: 'H1. HTTP throughput',
          unit: 'req/s',
          min: 0.8,
        },
      )),
    ];
    if (plan.httpMemoryCalls > 0) rows.push(await rssFlat(ours.pid, fns.mcp, plan));
    return rows;
  } finally {
    await ours.stop();
    await floor.stop();
  }
}

/** H3: RSS of `serve --http` sampled ten times over many requests after a warm-up; flat = within ±10 %. */
async function rssFlat(pid, call, plan) {
  await pool(plan.httpMemoryWarmup, MEMORY_CONCURRENCY, call);
  const samples = [rssOf(pid)];
  const step = Math.ceil(plan.httpMemoryCalls / 10);
  for (let done = 0; done < plan.httpMemoryCalls; done += step) {
    await pool(Math.min(step, plan.httpMemoryCalls - done), MEMORY_CONCURRENCY, call);
    samples.push(rssOf(pid));
  }
  const ours = envelope(samples);
  const pct = ours.growth * 100;
  return {
    id: 'http_rss_growth',
    figure: `H3. HTTP memory: RSS growth over ${plan.httpMemoryCalls.toLocaleString('en')} requests`,
    unit: '%',
    whatalo: { median: pct, min: pct, max: pct, runs: 1 },
    baselineText: '—',
    target: { kind: 'growth', max: 10, text: 'within ±10 %' },
    met: Math.abs(ours.growth) <= 0.1,
    detail: {
      method: 'peak RSS of the second half ÷ peak of the first half, after a warm-up',
      ...ours,
      concurrency: MEMORY_CONCURRENCY,
      warmup: plan.httpMemoryWarmup,
    },
  };
}
