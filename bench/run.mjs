#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --json] [-- --save FILE.json] [-- --only cold_start,overhead,…]`
 *
 * Every figure is a ratio or a difference against a baseline measured in the same run,
 * because these machines are too noisy for absolute numbers. Layout of processes:
 *   sandbox  — `node dist/cli.js sandbox` (own process: the API both sides call)
 *   bench    — this process: the MCP client (SDK Client over stdio) and the direct client
 *   server   — `node dist/cli.js serve`, or bench/baseline-server.mjs, spawned by the client
 * Missed targets are reported, not failed: the exit status is 1 only when a benchmark
 * could not run at all (which is what the CI smoke run checks).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { coldStart } from './cold-start.mjs';
import { context } from './context.mjs';
import { economy } from './economy.mjs';
import { gc } from './gc.mjs';
import { httpFleet } from './http-fleet.mjs';
import { http } from './http.mjs';
import { directProductGetter } from './lib/direct.mjs';
import { JIT_WARMUP_CALLS } from './lib/jit-warmup.mjs';
import { callTool, openSession } from './lib/mcp.mjs';
import { cleanupAll, startSandboxProcess } from './lib/proc.mjs';
import { contextBreakdown, resultBreakdown, table } from './lib/report.mjs';
import { benchProduct } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';
import { memory } from './memory.mjs';
import { overhead } from './overhead.mjs';
import { resultSize } from './result-bytes.mjs';
import { throughput } from './throughput.mjs';

const PLANS = {
  full: {
    coldRuns: 25,
    overheadWarmup: 300,
    overheadBlocks: 5,
    overheadPairs: 400,
    throughputProcesses: 4,
    throughputRuns: 3,
    jitWarmup: JIT_WARMUP_CALLS,
    throughputWarmup: 1000,
    throughputCalls: 5000,
    concurrencies: [1, 16, 64],
    economyCalls: 1000,
    economyBurst: 100,
    gcWarmup: 3000,
    gcCalls: 15_000,
    memoryWarmup: 5000,
    memoryCalls: 100_000,
    fleetTokens: 20,
    fleetRequestsPerToken: 60,
    httpThroughputCalls: 2000,
    httpThroughputRuns: 5,
    httpMemoryWarmup: 5000,
    httpMemoryCalls: 100_000,
  },
  quick: {
    coldRuns: 3,
    overheadWarmup: 30,
    overheadBlocks: 2,
    overheadPairs: 50,
    throughputProcesses: 1,
    throughputRuns: 1,
    throughputWarmup: 50,
    throughputCalls: 300,
    concurrencies: [1, 16, 64],
    economyCalls: 1000,
    economyBurst: 100,
    gcWarmup: 300,
    gcCalls: 2000,
    memoryWarmup: 300,
    memoryCalls: 1000,
    fleetTokens: 3,
    fleetRequestsPerToken: 6,
    httpThroughputCalls: 300,
    httpThroughputRuns: 1,
    // The 100k-request RSS figure is for full runs only.
    httpMemoryWarmup: 0,
    httpMemoryCalls: 0,
  },
};

// Economy runs last: it moves the sandbox clock past every token's lifetime.
const BENCHMARKS = ['context', 'result_bytes', 'cold_start', 'overhead', 'throughput', 'gc', 'memory', 'http', 'http_fleet', 'economy'];
const NEEDS_CALLS = new Set(['overhead', 'throughput', 'gc', 'memory', 'http', 'economy']);
// High enough that no benchmark ever meets a 429 (the sandbox's maximum).
const SANDBOX_RATE_LIMIT = 1_000_000;
const TOOL = 'get_product';

function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return { cpu, nproc: os.availableParallelism(), node: process.version, os: `${os.type()} ${os.release()}`, memory_gb: +(os.totalmem() / 2 ** 30).toFixed(1) };
}

/** get_product's arguments, from its own input schema: the one required id-like property. */
function productArgs(tool, productId) {
  const required = tool.inputSchema?.required ?? [];
  const key = required.find((k) => /id$/i.test(k)) ?? required[0] ?? 'id';
  return { [key]: productId };
}

async function prepareCalls(sandbox) {
  const { token, storeId, productId } = await benchProduct(sandbox);
  const callDirect = directProductGetter({ apiBase: sandbox.apiBase, token, storeId, productId });
  const floorCallerFor = (session) => () => callTool(session, TOOL, { product_id: productId });
  const callFloor = floorCallerFor(await openSession(floorServer(sandbox, { token, storeId })));
  await callFloor();

  const main = await openSession(whataloServer(sandbox));
  const tool = main.tools.find((t) => t.name === TOOL);
  if (!tool) throw new Error(`whatalo-mcp lists no ${TOOL} tool (tools: ${main.tools.map((t) => t.name).join(', ')})`);
  const args = productArgs(tool, productId);
  const callerFor = (session) => () => callTool(session, TOOL, args);
  const callMcp = callerFor(main);
  // The first call signs in (BROWSER follows the auto-approved consent) and fills the cache.
  await callMcp();
  /** Both servers as new processes, for a figure that must not hang on one process's luck. */
  async function openCallers() {
    const floorSession = await openSession(floorServer(sandbox, { token, storeId }));
    const mainSession = await openSession(whataloServer(sandbox));
    const mcp = callerFor(mainSession);
    // As above: the first call of a new server signs in, and is not counted.
    await mcp();
    return {
      fns: { mcp, floor: floorCallerFor(floorSession), direct: callDirect },
      close: () => Promise.all([floorSession.close(), mainSession.close()]),
    };
  }
  return { callDirect, callFloor, callMcp, callerFor, openCallers, direct: { token, storeId, productId } };
}

async function main() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, save: { type: 'string' }, only: { type: 'string' } },
    strict: true,
  });
  const plan = values.quick ? PLANS.quick : PLANS.full;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : BENCHMARKS;
  const unknown = only.filter((b) => !BENCHMARKS.includes(b));
  if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  const progress = (text) => process.stderr.write(`bench: ${text}\n`);
  const started = performance.now();

  const sandbox = await startSandboxProcess(ROOT, { rateLimit: SANDBOX_RATE_LIMIT });
  const ctx = { sandbox };
  const rows = [];
  const fns = { context, result_bytes: resultSize, cold_start: coldStart, overhead, throughput, gc, memory, http, http_fleet: httpFleet, economy };
  let calls; // one promise: a failed preparation is reported once per benchmark, not retried
  for (const name of BENCHMARKS.filter((b) => only.includes(b))) {
    progress(`${name}…`);
    const t0 = performance.now();
    try {
      if (NEEDS_CALLS.has(name)) {
        calls ??= prepareCalls(sandbox);
        Object.assign(ctx, await calls);
      }
      rows.push(...(await fns[name](ctx, plan)));
    } catch (error) {
      rows.push({ id: name, figure: name, error: error instanceof Error ? error.message : String(error) });
    }
    progress(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const report = {
    command: `npm run bench${values.quick ? ' -- --quick' : ''}`,
    mode: values.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: machine(),
    duration_s: +((performance.now() - started) / 1000).toFixed(1),
    layout:
      'sandbox (fake Whatalo API + AS) in its own process; the bench process is both the MCP client (SDK Client over stdio) ' +
      'and the direct-API client (node:http like the server, its own token from the same OAuth flow); the server under test is a child of the bench.',
    plan,
    figures: rows,
  };
  // --save keeps the full data of the very run whose table is printed.
  if (values.save) writeFileSync(values.save, JSON.stringify(report, null, 2) + '\n');
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const m = report.machine;
    const out = [
      `whatalo-mcp benchmarks (${report.mode}) — ${m.cpu}, ${m.nproc} CPUs, Node ${m.node}, ${report.duration_s} s`,
      '',
      table(rows),
      '',
      'Spread in parentheses is min–max over the runs; ratios are per paired run (whatalo ÷ baseline).',
      `Baselines: 1, 5a, 5b = bare SDK stdio server (bench/baseline-server.mjs, same SDK); 2, 3 = the same API request`,
      `sent directly from the bench process with its own token. ${report.layout}`,
    ];
    const ctxRow = rows.find((r) => r.id === 'tools_list_bytes_per_tool');
    if (ctxRow && !ctxRow.error) out.push('', 'tools/list bytes per tool, by part:', '', contextBreakdown(ctxRow));
    const resultRow = rows.find((r) => r.id === 'result_bytes_per_call');
    if (resultRow && !resultRow.error) out.push('', 'tool result bytes per call, by part:', '', resultBreakdown(resultRow));
    process.stdout.write(out.join('\n') + '\n');
  }
  return rows.some((r) => r.error) ? 1 : 0;
}

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    if (exiting) return;
    exiting = true;
    cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .then(
    (code) => code,
    (error) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
