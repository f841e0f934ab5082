#!/usr/bin/env node
/**
 * `node bench/ab-builds.mjs DIR [DIR …] [--calls 1000] [--concurrency 16] [--rounds 30] [--fresh 5]`: builds
 * of whatalo-mcp side by side with the floor server, each its own `serve` process on one
 * sandbox, in interleaved rounds (the order rotates), so a change is judged against the build
 * before it in the same minutes of a noisy machine. A DIR holds a `dist/` and its
 * `package.json` (e.g. `git stash; npm run build; cp -r dist package.json .tmp/before/`).
 * Prints per build: calls/s, the CPU per call of the server, the sandbox and this client
 * (from /proc, per thread), the server's over the floor's in the same round, and the median
 * ratio to the floor. Every server process is replaced by a new one every `--fresh` rounds:
 * a process keeps the JIT's and the allocator's luck for its whole life (two processes of one
 * build differed by 7 µs of CPU per call and 0.026 in the ratio over 24 rounds), so a change
 * is only judged over several of each. Server CPU is the steadier
 * figure; the three processes share two cores, so calls/s also moves with what a build makes
 * the client (bytes to parse) and the sandbox (requests to answer) spend.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumber } from './lib/args.mjs';
import { warmJit } from './lib/jit-warmup.mjs';
import { callTool, openSession, pool } from './lib/mcp.mjs';
import { cleanupAll, startSandboxProcess } from './lib/proc.mjs';
import { benchProduct } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';

const { values, positionals } = parseArgs({
  options: { calls: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' }, fresh: { type: 'string' } },
  allowPositionals: true,
});
const calls = wholeNumber(values, 'calls', 1000);
const concurrency = wholeNumber(values, 'concurrency', 16);
const rounds = wholeNumber(values, 'rounds', 30);
const fresh = wholeNumber(values, 'fresh', 5);

/**
 * CPU time of a process so far, in ms: the sum over its threads (JS, GC helpers, libuv pool)
 * of /proc/PID/task/TID/schedstat's run time, which counts nanoseconds; /proc/PID/stat counts
 * 10 ms clock ticks, ±2 % of a round's CPU at concurrency 1.
 */
function cpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read; its time is in no later reading either
    }
  }
  return ns / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main() {
  if (positionals.length === 0) throw new Error('name at least one build directory (holding dist/ and package.json)');
  const sandbox = await startSandboxProcess(ROOT, { rateLimit: 1_000_000 });
  const { token, storeId, productId } = await benchProduct(sandbox);
  const args = { product_id: productId };

  const specs = { floor: floorServer(sandbox, { token, storeId }) };
  for (const dir of positionals) specs[path.basename(path.resolve(dir))] = { ...whataloServer(sandbox), args: [path.resolve(dir, 'dist/cli.js'), 'serve'] };
  const names = Object.keys(specs);
  const sessions = {};
  /** New server processes for every build; their first calls sign in and warm the JIT, and are not counted. */
  async function openAll() {
    for (const session of Object.values(sessions)) await session.close();
    for (const name of names) sessions[name] = await openSession(specs[name]);
    for (const name of names) await warmJit(() => callTool(sessions[name], 'get_product', args));
  }

  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    if (round % fresh === 0) await openAll();
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const pids = [sessions[name].pid, sandbox.pid, process.pid];
      const before = pids.map(cpuMs);
      const ms = await pool(calls, concurrency, () => callTool(sessions[name], 'get_product', args));
      const [server, sandboxCpu, client] = pids.map((pid, j) => ((cpuMs(pid) - before[j]) / calls) * 1000);
      runs[name].push({ rate: (calls / ms) * 1000, server, sandbox: sandboxCpu, client });
    }
  }
  console.log(`${rounds} rounds of ${calls} get_product calls at concurrency ${concurrency}, new processes every ${fresh}, medians:`);
  for (const name of names) {
    const ratio = median(runs[name].map((run, i) => run.rate / runs.floor[i].rate));
    const us = (key) =>
      `${key} ${median(runs[name].map((r) => r[key]))
        .toFixed(0)
        .padStart(4)}`;
    const rate = median(runs[name].map((r) => r.rate))
      .toFixed(0)
      .padStart(6);
    // Against the floor's server in the same round: what the machine did to both cancels out.
    const added = median(runs[name].map((run, i) => run.server - runs.floor[i].server));
    console.log(
      `  ${name.padEnd(12)} ${rate} calls/s  µs CPU/call: ${us('server')} ${us('sandbox')} ${us('client')}  ` +
        `server ${added >= 0 ? '+' : ''}${added.toFixed(1)} over the floor's  ${ratio.toFixed(3)}× the floor`,
    );
  }
  for (const session of Object.values(sessions)) await session.close();
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
