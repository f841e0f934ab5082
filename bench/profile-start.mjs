#!/usr/bin/env node
/**
 * `node bench/profile-start.mjs [whatalo|baseline] [--runs N]`: where a server's cold
 * start goes. Spawns it under `node --cpu-prof`, answers initialize and tools/list like a
 * host, lets it exit on stdin end (so the profile is written), and prints self time per
 * package and per file of our own code, summed over the runs. Needs a built dist/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSession } from './lib/mcp.mjs';
import { cleanupAll, startSandboxProcess, tempDir } from './lib/proc.mjs';
import { ROOT, baselineServer, whataloServer } from './lib/servers.mjs';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string' }, top: { type: 'string' }, files: { type: 'boolean' } },
  allowPositionals: true,
});
const which = positionals[0] ?? 'whatalo';
const runs = Number(values.runs ?? 5);
const top = Number(values.top ?? 25);

/** node_modules/<pkg> or our dist/… path, or the node: builtin, for one profile node's URL. */
function bucket(url) {
  if (!url) return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return path.relative(ROOT, file);
}

function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const key = node.callFrame.functionName === '(idle)' ? '(idle)' : bucket(node.callFrame.url);
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  return self;
}

async function main() {
  const dir = tempDir('whatalo-bench-prof-');
  let sandbox;
  if (which === 'whatalo') sandbox = await startSandboxProcess(ROOT, { rateLimit: 1000 });
  const spec = which === 'whatalo' ? whataloServer(sandbox) : baselineServer();
  const totals = new Map();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const census = i === 0 ? ['--import', path.join(ROOT, 'bench/lib/census-register.mjs')] : [];
    const env = { ...spec.env, BENCH_CENSUS_FILE: path.join(dir, 'census.tsv') };
    const session = await openSession({ ...spec, env, args: [...census, '--cpu-prof', `--cpu-prof-dir=${dir}`, ...spec.args] });
    times.push(session.listMs);
    await session.close();
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    for (const [k, v] of selfTimes(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))) totals.set(k, (totals.get(k) ?? 0) + v);
  }
  const modules = new Map();
  for (const line of readFileSync(path.join(dir, 'census.tsv'), 'utf8').split('\n').filter(Boolean)) {
    const [size, url] = line.split('\t');
    if (url.includes('/bench/lib/census')) continue;
    const m = modules.get(bucket(url).replace(/^dist\/.*$/, 'dist (our code)')) ?? { files: 0, bytes: 0 };
    m.files += 1;
    m.bytes += Number(size);
    modules.set(bucket(url).replace(/^dist\/.*$/, 'dist (our code)'), m);
  }
  const rows = [...totals].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  const busy = rows.reduce((a, [, v]) => a + v, 0) / runs;
  console.log(
    `${which}: spawn → tools/list under --cpu-prof, ${runs} runs, median ${times.sort((a, b) => a - b)[runs >> 1].toFixed(0)} ms; busy ${busy.toFixed(1)} ` +
      `ms per run`,
  );
  console.log('self time per run, by package or file:');
  for (const [k, v] of rows.slice(0, top)) console.log(`  ${(v / runs).toFixed(1).padStart(7)} ms  ${k}`);
  console.log('modules loaded before tools/list was answered (first run), by package:');
  for (const [k, m] of [...modules].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`  ${String(m.files).padStart(4)} files ${(m.bytes / 1024).toFixed(0).padStart(6)} KiB  ${k}`);
  }
  if (values.files) {
    console.log('our files:');
    for (const line of readFileSync(path.join(dir, 'census.tsv'), 'utf8').split('\n'))
      if (line.includes('/dist/')) console.log('  ' + path.relative(ROOT, line.split('\t')[1].replace('file://', '')));
  }
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
