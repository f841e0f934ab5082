/**
 * A stdio server's `get_product` calls read through V8's own traces. Counts, not timings: they
 * hold still on a noisy machine.
 * - traceGc (`--trace-gc-nvp`): KB allocated, KB promoted into the old generation, and µs of
 *   scavenge pause per call; objects kept alive past their call show as promotion.
 * - traceJit (`--trace-opt`): functions TurboFan finished optimizing, per window of calls from
 *   the process's start; how long a new process takes to reach its steady state.
 *
 * V8 prints its traces on stdout, which is the MCP stream, so the server is driven by a small
 * JSON-RPC client of its own that sets aside every stdout line that is not a JSON message.
 */
import { spawn } from 'node:child_process';
import { pool } from './mcp.mjs';
import { onCleanup } from './proc.mjs';

/** A server under V8's `flag`: `call()` for one get_product, and the trace lines seen while `tracing`. */
async function startTraced(spec, flag, productId) {
  const child = spawn(spec.command, [flag, ...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map();
  const exited = new Promise((resolve) =>
    child.once('exit', () => {
      for (const { reject, method } of waiting.values()) reject(new Error(`${spec.name} exited before answering ${method}`));
      resolve();
    }),
  );
  const stop = onCleanup(() => {
    child.kill();
    return exited;
  });
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
        waiting.get(message.id)?.resolve(message);
        waiting.delete(message.id);
      } else if (tracing) trace.push(line);
    }
  });
  const send = (message) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
  const rpc = (method, params) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve, reject, method });
      send({ id, method, params });
    });
  try {
    await rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'v8-trace', version: '1' } });
    send({ method: 'notifications/initialized' });
  } catch (error) {
    await stop();
    throw error;
  }
  const call = async () => {
    const answer = await rpc('tools/call', { name: 'get_product', arguments: { product_id: productId } });
    if (answer.error || answer.result?.isError) throw new Error(`${spec.name}: ${JSON.stringify(answer).slice(0, 300)}`);
  };
  return { call, trace, stop, setTracing: (on) => (tracing = on) };
}

/** Per call, over the scavenge lines of `trace`. */
function perCall(trace, calls) {
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

/**
 * Starts `spec` under the trace, makes `warmup` untimed calls (the first signs in), then `calls`
 * traced ones, `concurrency` in flight; stops the server and resolves to the per-call figures.
 */
export async function traceGc(spec, { productId, concurrency, warmup, calls }) {
  const server = await startTraced(spec, '--trace-gc-nvp', productId);
  try {
    await pool(warmup, concurrency, server.call);
    server.setTracing(true);
    await pool(calls, concurrency, server.call);
    server.setTracing(false);
  } finally {
    await server.stop();
  }
  return perCall(server.trace, calls);
}

/**
 * Starts `spec` under --trace-opt and makes `windows` × `windowCalls` calls from its start (the
 * first signs in), `concurrency` in flight; resolves to how many functions TurboFan finished
 * optimizing in each window.
 */
export async function traceJit(spec, { productId, concurrency, windows, windowCalls }) {
  const server = await startTraced(spec, '--trace-opt', productId);
  const counts = [];
  try {
    server.setTracing(true);
    for (let window = 0; window < windows; window++) {
      const seen = server.trace.length;
      await pool(windowCalls, concurrency, server.call);
      counts.push(server.trace.slice(seen).filter((line) => line.startsWith('[completed optimizing')).length);
    }
  } finally {
    await server.stop();
  }
  return counts;
}
