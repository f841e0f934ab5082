#!/usr/bin/env node
/**
 * `node bench/profile-calls.mjs [--calls N] [--concurrency C] [--top N] [--floor]`: where whatalo-mcp
 * (or, with --floor, bench/floor-server.mjs) spends CPU per tool call. Signs a server in against a sandbox process, runs N get_product calls
 * under `node --cpu-prof`, lets it exit on stdin end, and prints the top functions by
 * self time and self time per package or file. Needs a built dist/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { callTool, openSession, pool } from './lib/mcp.mjs';
import { cleanupAll, startSandboxProcess, tempDir } from './lib/proc.mjs';
import { benchProduct } from './lib/sandbox.mjs';
import { ROOT, floorServer, whataloServer } from './lib/servers.mjs';

const { values } = parseArgs({ options: { calls: { type: 'string' }, concurrency: { type: 'string' }, top: { type: 'string' }, floor: { type: 'boolean' } } });
const calls = Number(values.calls ?? 10_000);
const concurrency = Number(values.concurrency ?? 16);
const top = Number(values.top ?? 25);

function where(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:internals';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  return nm >= 0 ? file.slice(nm + 13) : path.relative(ROOT, file);
}

async function main() {
  const dir = tempDir('whatalo-bench-prof-');
  const sandbox = await startSandboxProcess(ROOT, { rateLimit: 1_000_000 });
  const { token, storeId, productId } = await benchProduct(sandbox);
  const spec = values.floor ? floorServer(sandbox, { token, storeId }) : whataloServer(sandbox);
  const session = await openSession({ ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...spec.args] });
  const call = () => callTool(session, 'get_product', { product_id: productId });
  await pool(1000, concurrency, call);
  const ms = await pool(calls, concurrency, call);
  await session.close();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map();
  const pkg = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    busy += dt;
    const w = where(f.url);
    const key = `${f.functionName || '(anonymous)'}  ${w}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const p = w.startsWith('dist/')
      ? w
      : w
          .split('/')
          .slice(0, w.startsWith('@') ? 2 : 1)
          .join('/');
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
  });
  const per = (v) => `${((v / (calls + 1000)) * 1000).toFixed(1).padStart(6)} µs/call`;
  console.log(`${calls} calls at concurrency ${concurrency}: ${((calls / ms) * 1000).toFixed(0)} calls/s; server busy ${per(busy)}`);
  console.log('by package or file:');
  for (const [k, v] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${per(v)}  ${k}`);
  console.log('top functions (self time):');
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${per(v)}  ${k}`);
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
