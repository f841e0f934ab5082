#!/usr/bin/env node
/**
 * `node bench/gc-calls.mjs [--concurrency 16] [--calls 20000] [--cli dist/cli.js]`: what the
 * young-generation collector does per `get_product` call, for the floor server and for
 * whatalo-mcp, from V8's own trace (`--trace-gc-nvp`): bytes allocated, bytes promoted into
 * the old generation, and scavenge time, summed over the timed calls and divided by them.
 * These are counts, not timings, so they hold still on a noisy machine, and a change that keeps
 * objects alive for longer than a call shows here first (351ebb2 was found this way).
 *
 * V8 prints its trace on stdout, which is the MCP stream: this client speaks JSON-RPC itself
 * over the server's stdio and sets aside every stdout line that is not a JSON message.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { cleanupAll, onCleanup, startSandboxProcess } from './lib/proc.mjs';
import { directToken } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';

const { values } = parseArgs({ options: { concurrency: { type: 'string' }, calls: { type: 'string' }, cli: { type: 'string' } } });
const concurrency = Number(values.concurrency ?? 16);
const calls = Number(values.calls ?? 20_000);
for (const [name, n] of [
  ['--concurrency', concurrency],
  ['--calls', calls],
]) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a whole number of at least 1`);
}

/** A server under --trace-gc-nvp, with `rpc()` for requests and the trace lines seen while `tracing`. */
function startTraced(spec) {
  const child = spawn(spec.command, ['--trace-gc-nvp', ...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = onCleanup(() => {
    child.kill();
    return exited;
  });
  const waiting = new Map();
  const trace = [];
  let tracing = false;
  let buffered = '';
  let nextId = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      if (line.startsWith('{')) {
        const message = JSON.parse(line);
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      } else if (tracing) trace.push(line);
    }
  });
  const rpc = (method, params) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  return { rpc, trace, stop, setTracing: (on) => (tracing = on), notify: (method) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method }) + '\n') };
}

/** Per call: KB allocated and promoted, and µs of scavenge pause, over the scavenge lines of a trace. */
function perCall(trace) {
  const sum = { allocated: 0, promoted: 0, pause: 0, scavenges: 0 };
  for (const line of trace) {
    if (!/\bgc=s\b/.test(line)) continue;
    sum.scavenges++;
    for (const [, key, value] of line.matchAll(/\b(allocated|promoted|pause)=([\d.]+)/g)) sum[key] += Number(value);
  }
  return {
    scavenges: sum.scavenges,
    allocated_kb: +(sum.allocated / calls / 1024).toFixed(2),
    promoted_kb: +(sum.promoted / calls / 1024).toFixed(2),
    scavenge_us: +((sum.pause * 1000) / calls).toFixed(2),
  };
}

async function main() {
  const sandbox = await startSandboxProcess(ROOT, { rateLimit: 1_000_000 });
  const { ALL_SCOPES } = await import('../dist/scopes.js');
  const token = await directToken(sandbox.issuer, ALL_SCOPES.join(' '));
  const storeId = sandbox.stores[0].id;
  const headers = { authorization: `Bearer ${token}`, 'x-whatalo-store-id': storeId };
  const productId = (await (await fetch(`${sandbox.apiBase}/products?per_page=1`, { headers })).json()).data[0].id;
  const ours = { ...whataloServer(sandbox), args: [values.cli ?? 'dist/cli.js', 'serve'] };
  console.log(`${calls} get_product calls at concurrency ${concurrency}, per call (V8 --trace-gc-nvp, scavenges only):`);
  for (const [name, spec] of [
    ['floor', floorServer(sandbox, { token, storeId })],
    ['whatalo-mcp', ours],
  ]) {
    const server = startTraced(spec);
    await server.rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gc-calls', version: '1' } });
    server.notify('notifications/initialized');
    const pool = async (total) => {
      let left = total;
      const worker = async () => {
        while (left-- > 0) {
          const answer = await server.rpc('tools/call', { name: 'get_product', arguments: { product_id: productId } });
          if (answer.error || answer.result?.isError) throw new Error(`${name}: ${JSON.stringify(answer).slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    // The first call signs in; the rest warm the JIT and let the heap settle.
    await pool(3000);
    server.setTracing(true);
    await pool(calls);
    server.setTracing(false);
    await server.stop();
    console.log(`  ${name.padEnd(12)} ${JSON.stringify(perCall(server.trace))}`);
  }
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
