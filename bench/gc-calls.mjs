#!/usr/bin/env node
/**
 * `node bench/gc-calls.mjs [--concurrency 16] [--calls 20000] [--cli dist/cli.js]`: KB allocated,
 * KB promoted and µs of scavenge per `get_product` call, for the floor server and for a build
 * of whatalo-mcp, from V8's own trace (bench/lib/v8-trace.mjs). 351ebb2 was found this way.
 */
import { parseArgs } from 'node:util';
import { wholeNumber } from './lib/args.mjs';
import { traceGc } from './lib/v8-trace.mjs';
import { cleanupAll, startSandboxProcess } from './lib/proc.mjs';
import { benchProduct } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';

const { values } = parseArgs({ options: { concurrency: { type: 'string' }, calls: { type: 'string' }, cli: { type: 'string' } } });
const concurrency = wholeNumber(values, 'concurrency', 16);
const calls = wholeNumber(values, 'calls', 20_000);

async function main() {
  const sandbox = await startSandboxProcess(ROOT, { rateLimit: 1_000_000 });
  const { token, storeId, productId } = await benchProduct(sandbox);
  const ours = { ...whataloServer(sandbox), args: [values.cli ?? 'dist/cli.js', 'serve'] };
  console.log(`${calls} get_product calls at concurrency ${concurrency}, per call (V8 --trace-gc-nvp, scavenges only):`);
  for (const spec of [floorServer(sandbox, { token, storeId }), ours]) {
    const figures = await traceGc(spec, { productId, concurrency, warmup: 3000, calls });
    console.log(`  ${spec.name.padEnd(12)} ${JSON.stringify(figures)}`);
  }
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
