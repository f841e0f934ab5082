/**
 * What the young-generation collector does per `get_product` call on a stdio server, from V8's
 * own trace (`--trace-gc-nvp`): KB allocated, KB promoted into the old generation, and µs of
 * scavenge pause, summed over the timed calls and divided by them. Counts, not timings: they
 * hold still on a noisy machine, and objects kept alive past their call show as promotion.
 *
 * V8 prints its trace on stdout, which is the MCP stream, so the server is driven by a small
 * JSON-RPC client of its own that sets aside every stdout line that is not a JSON message.
 */
import { spawn } from 'node:child_process';
import { pool } from './mcp.mjs';
import { onCleanup } from './proc.mjs';

/** A server under --trace-gc-nvp: `rpc()` for requests, and the trace lines seen while `tracing`. */
function startTraced(spec) {
  const child = spawn(spec.command, ['--trace-gc-nvp', ...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['pipe', 'pipe', 'ignore'] });
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
  return { rpc, send, trace, stop, setTracing: (on) => (tracing = on) };
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
  const server = startTraced(spec);
  try {
    await server.rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gc-trace', version: '1' } });
    server.send({ method: 'notifications/initialized' });
    const call = async () => {
      const answer = await server.rpc('tools/call', { name: 'get_product', arguments: { product_id: productId } });
      if (answer.error || answer.result?.isError) throw new Error(`${spec.name}: ${JSON.stringify(answer).slice(0, 300)}`);
    };
    await pool(warmup, concurrency, call);
    server.setTracing(true);
    await pool(calls, concurrency, call);
    server.setTracing(false);
  } finally {
    await server.stop();
  }
  return perCall(server.trace, calls);
}
