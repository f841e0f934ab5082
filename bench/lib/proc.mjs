/**
 * Child processes, temp dirs and their cleanup. Everything the bench starts is registered
 * here so one call (also on SIGINT/SIGTERM or an error) ends it all.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const cleanups = new Set();

/** Registers an undo step; returns a function that runs it once and unregisters it. */
export function onCleanup(fn) {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    cleanups.delete(run);
    await fn();
  };
  cleanups.add(run);
  return run;
}

/** Runs every pending undo step, newest first; never throws. */
export async function cleanupAll() {
  for (const run of [...cleanups].reverse()) {
    try {
      await run();
    } catch {
      // best effort: keep undoing the rest
    }
  }
}

export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Kills a pid if it is still alive (by that pid only). */
export function killPid(pid, signal = 'SIGKILL') {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Resident set size of a live process in bytes, from /proc (Linux). */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Ends `child` with the bench's cleanup (SIGTERM, SIGKILL after 3 s); returns the function that ends it now. */
export function stopOnCleanup(child) {
  return onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => killPid(child.pid), 3000);
    await exited;
    clearTimeout(timer);
  });
}

/**
 * Starts `node dist/cli.js sandbox` in its own process, so neither the bench client nor
 * the server under test shares an event loop with the API they call. Resolves with the
 * JSON line it prints first.
 */
export async function startSandboxProcess(root, { rateLimit }) {
  // The bench signs in once per server process it starts, far more often than Whatalo's AS
  // allows one IP (10 registrations an hour, 60 token requests a minute): it measures calls, not those limits.
  const limits = ['--registration-limit', '100000', '--token-limit-ip', '100000', '--token-limit-client', '100000'];
  const child = spawn(process.execPath, ['dist/cli.js', 'sandbox', '--auto-approve', 'first', '--rate-limit', String(rateLimit), ...limits], {
    cwd: root,
    env: { ...process.env, WHATALO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = stopOnCleanup(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before it was ready:\n${stderr}`)));
  });
  lines.close();
  const info = JSON.parse(first);
  return { issuer: info.issuer, apiBase: info.api_base, stores: info.stores, pid: child.pid, stop };
}

/** A port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns a child (from the repo root) that is ready once its output matches `ready`; ended by the bench's cleanup. */
export async function startChild(name, command, args, env, ready) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = stopOnCleanup(child);
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within 30 s:\n${output.slice(-2000)}`)), 30_000);
    const onData = (chunk) => {
      output = (output + chunk).slice(-20_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  // The pid rides on the stop function, as the Redis URL does for startRedis.
  return Object.assign(stop, { pid: child.pid });
}
