#!/usr/bin/env node
/**
 * `node bench/jit-curve.mjs [--concurrency 1] [--windows 20] [--window-calls 1000] [--cli dist/cli.js]`:
 * how many functions V8 finished optimizing in each window of `get_product` calls from a new
 * process's start, for the floor server and for a build of whatalo-mcp (bench/lib/v8-trace.mjs).
 * Where the counts fall to the background's 1-2 per window, the process has reached the steady
 * state that figure 3 times; its JIT warm-up (throughput.mjs) is sized from this.
 */
import { parseArgs } from 'node:util';
import { wholeNumber } from './lib/args.mjs';
import { cleanupAll, startSandboxProcess } from './lib/proc.mjs';
import { benchProduct } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';
import { traceJit } from './lib/v8-trace.mjs';

const { values } = parseArgs({
  options: { concurrency: { type: 'string' }, windows: { type: 'string' }, 'window-calls': { type: 'string' }, cli: { type: 'string' } },
});
const concurrency = wholeNumber(values, 'concurrency', 1);
const windows = wholeNumber(values, 'windows', 20);
const windowCalls = wholeNumber(values, 'window-calls', 1000);

async function main() {
  const sandbox = await startSandboxProcess(ROOT, { rateLimit: 1_000_000 });
  const { token, storeId, productId } = await benchProduct(sandbox);
  const ours = { ...whataloServer(sandbox), args: [values.cli ?? 'dist/cli.js', 'serve'] };
  console.log(`functions optimized per ${windowCalls} get_product calls from start, concurrency ${concurrency} (V8 --trace-opt):`);
  for (const spec of [floorServer(sandbox, { token, storeId }), ours]) {
    const counts = await traceJit(spec, { productId, concurrency, windows, windowCalls });
    console.log(`  ${spec.name.padEnd(12)} ${counts.map((n) => String(n).padStart(3)).join(' ')}`);
  }
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
