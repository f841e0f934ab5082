#!/usr/bin/env node
/**
 * `node bench/install.mjs [--against REF] [--runs 3] [--save FILE.json]`: figure 9, what the
 * first `npx -y whatalo-mcp` on a machine pays before the server can start, and figure 10,
 * the MCP Bundle's size; this build against REF's (default: the commit before the bundled
 * build), both measured the same way in one run.
 *
 * Install: `npm install -g` of the packed tarball into a new temp prefix with a new, empty npm
 * cache (`--cache`), so every package comes from the registry: wall time, packages added, the
 * sum of the installed files' sizes, and whether npm printed any warning. The two builds
 * alternate, `--runs` times each. The registry is the real one: the times include its
 * latency, the same for both.
 *
 * MCP Bundle: the tarball's files with the production dependencies and the keychain binding
 * of every platform the manifest names beside them (as .ci/run builds it), packed by mcpb.
 *
 * REF's tarball is built in a temp copy of that commit (`git archive`, `npm ci`, `npm pack`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumber } from './lib/args.mjs';
import { ROOT, cleanupAll, tempDir } from './lib/proc.mjs';
import { table } from './lib/report.mjs';
import { summary } from './lib/stats.mjs';

/** The last commit before the bundled build: dist/ as tsc wrote it, six runtime dependencies. */
const TODAY = '0749a68';
const TARGET = { seconds: 2.5, mb: 8, packages: 10 };
const PLATFORMS = ['darwin-arm64', 'darwin-x64', 'win32-x64-msvc', 'win32-arm64-msvc', 'linux-x64-gnu', 'linux-arm64-gnu'];
const MCPB = '@anthropic-ai/mcpb@2.1.2';

const quiet = { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };

/** npm pack of the tree at `dir` (building it first); returns the tarball's path. */
function pack(dir, out) {
  mkdirSync(out, { recursive: true });
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { ...quiet, cwd: dir }));
  return path.join(out, info.filename);
}

/** REF's tarball, built in a temp copy of that commit. */
function packRef(ref) {
  const dir = tempDir('whatalo-bench-ref-');
  execFileSync('bash', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, '-', ROOT, ref, dir], quiet);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { ...quiet, cwd: dir });
  return pack(dir, path.join(dir, '.pack'));
}

/** Bytes and package.json-bearing package folders under a node_modules tree. */
function measureTree(dir) {
  let bytes = 0;
  let packages = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) bytes += statSync(p).size;
    }
  };
  walk(dir);
  const count = (modules) => {
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const p = path.join(modules, entry.name);
      if (entry.name.startsWith('@')) {
        count(p);
        continue;
      }
      packages++;
      const nested = path.join(p, 'node_modules');
      if (statSync(nested, { throwIfNoEntry: false })?.isDirectory()) count(nested);
    }
  };
  count(dir);
  return { bytes, packages };
}

/** One cold install: empty cache, new prefix. */
function installOnce(tarball) {
  const dir = tempDir('whatalo-bench-install-');
  const args = ['install', '-g', '--prefix', path.join(dir, 'prefix'), '--cache', path.join(dir, 'cache'), '--no-audit', '--no-fund', tarball];
  const t0 = performance.now();
  const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`npm install -g ${tarball} exited ${code}:\n${output}`));
      const tree = measureTree(path.join(dir, 'prefix', 'lib', 'node_modules'));
      resolve({ ms, ...tree, warnings: output.split('\n').filter((l) => /\bwarn\b/i.test(l)) });
    });
  });
}

/** The MCP Bundle of a tarball, as .ci/run builds it; returns its size in bytes. */
function mcpbSize(tarball) {
  const dir = tempDir('whatalo-bench-mcpb-');
  execFileSync('tar', ['-xzf', tarball, '-C', dir], quiet);
  const stage = path.join(dir, 'package');
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { ...quiet, cwd: stage });
  const keyring = JSON.parse(readFileSync(path.join(stage, 'node_modules/@napi-rs/keyring/package.json'), 'utf8')).version;
  const others = PLATFORMS.map((p) => `@napi-rs/keyring-${p}@${keyring}`);
  execFileSync('npm', ['install', '--no-save', '--force', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', ...others], { ...quiet, cwd: stage });
  const out = path.join(dir, 'whatalo.mcpb');
  execFileSync('npx', ['-y', MCPB, 'pack', stage, out], quiet);
  return statSync(out).size;
}

async function main() {
  const { values } = parseArgs({ options: { against: { type: 'string' }, runs: { type: 'string' }, save: { type: 'string' } }, strict: true });
  const runs = wholeNumber(values, 'runs', 3);
  const ref = values.against ?? TODAY;
  const progress = (text) => process.stderr.write(`bench install: ${text}\n`);

  progress('packing this build and ' + ref + '…');
  const tarballs = { whatalo: pack(ROOT, tempDir('whatalo-bench-pack-')), baseline: packRef(ref) };
  const results = { whatalo: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? ['whatalo', 'baseline'] : ['baseline', 'whatalo']) {
      progress(`install ${i + 1}/${runs}: ${side}…`);
      results[side].push(await installOnce(tarballs[side]));
    }
  }
  progress('MCP Bundles…');
  const mcpb = { whatalo: mcpbSize(tarballs.whatalo), baseline: mcpbSize(tarballs.baseline) };

  const pick = (side, key, scale = 1) => summary(results[side].map((r) => r[key] / scale));
  const s = pick('whatalo', 'ms', 1000);
  const mb = pick('whatalo', 'bytes', 1e6);
  const pk = pick('whatalo', 'packages');
  const ratio = (key) => summary(results.whatalo.map((r, i) => r[key] / results.baseline[i][key]));
  const one = (n) => ({ median: n, min: n, max: n, runs: 1 });
  const warned = results.whatalo.flatMap((r) => r.warnings);
  const rows = [
    {
      id: 'install_seconds',
      figure: '9a. First install (npm install -g, empty cache): time',
      unit: 's',
      whatalo: s,
      baseline: pick('baseline', 'ms', 1000),
      ratio: ratio('ms'),
      target: { kind: 'absolute', max: TARGET.seconds, text: `≤ ${TARGET.seconds} s` },
      met: s.median <= TARGET.seconds,
    },
    {
      id: 'install_megabytes',
      figure: '9b. First install: size (sum of file sizes)',
      unit: 'MB',
      whatalo: mb,
      baseline: pick('baseline', 'bytes', 1e6),
      ratio: ratio('bytes'),
      target: { kind: 'absolute', max: TARGET.mb, text: `≤ ${TARGET.mb} MB` },
      met: mb.max <= TARGET.mb,
    },
    {
      id: 'install_packages',
      figure: '9c. First install: packages',
      unit: 'packages',
      whatalo: pk,
      baseline: pick('baseline', 'packages'),
      ratio: ratio('packages'),
      target: { kind: 'count', max: TARGET.packages, text: `≤ ${TARGET.packages}` },
      met: pk.max <= TARGET.packages,
    },
    {
      id: 'install_warnings',
      figure: '9d. First install: npm warnings',
      unit: 'lines',
      whatalo: one(warned.length),
      baseline: one(results.baseline.reduce((n, r) => Math.max(n, r.warnings.length), 0)),
      target: { kind: 'count', max: 0, text: 'none' },
      met: warned.length === 0,
      detail: { whatalo: warned, baseline: results.baseline[0]?.warnings ?? [] },
    },
    {
      id: 'mcpb_megabytes',
      figure: '10. MCP Bundle (.mcpb, 6 platforms) size',
      unit: 'MB',
      whatalo: one(mcpb.whatalo / 1e6),
      baseline: one(mcpb.baseline / 1e6),
      ratio: one(mcpb.whatalo / mcpb.baseline),
      target: { kind: 'reported', text: 'reported' },
      met: null,
    },
  ];
  const report = {
    command: `node bench/install.mjs${values.against ? ` --against ${ref}` : ''}${values.runs ? ` --runs ${runs}` : ''}`,
    date: new Date().toISOString(),
    against: ref,
    runs,
    tarball_bytes: { whatalo: statSync(tarballs.whatalo).size, baseline: statSync(tarballs.baseline).size },
    figures: rows,
  };
  if (values.save) writeFileSync(values.save, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(
    [
      `whatalo-mcp first install: this build against ${ref} ("baseline"), ${runs} cold installs each, alternating`,
      '',
      table(rows),
      '',
      `Tarballs: ${(report.tarball_bytes.whatalo / 1e3).toFixed(0)} kB and ${(report.tarball_bytes.baseline / 1e3).toFixed(0)} kB.`,
    ].join('\n') + '\n',
  );
}

main()
  .then(
    () => 0,
    (error) => {
      process.stderr.write(`bench install: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
