import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withLock } from '../../src/auth/lock.js';
import { assertBuilt, distUrl, runNode } from './child.js';

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];

beforeAll(() => assertBuilt(['auth/lock']));
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'whatalo-lock-'));
  lockPath = path.join(dir, 'sub', 'sign-in.lock');
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

/** A child process that takes the lock and holds it until killed; resolves once it holds it. */
async function holder(): Promise<ChildProcess> {
  const script = `
    const { withLock } = await import(${JSON.stringify(distUrl('auth/lock'))});
    await withLock(process.env.LOCK, () => new Promise(() => { setInterval(() => {}, 1000); process.stdout.write('HELD\\n'); }), { waitMs: 10000 });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, LOCK: lockPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('HELD') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('withLock', () => {
  it('lets only one of several processes at a time into the critical section (no lost update)', async () => {
    const counter = path.join(dir, 'counter');
    await fs.writeFile(counter, '0');
    // Read, yield, write: without mutual exclusion the processes overwrite each other's increments.
    const worker = `
      const { withLock } = await import(${JSON.stringify(distUrl('auth/lock'))});
      const fs = await import('node:fs/promises');
      for (let i = 0; i < 15; i++) {
        await withLock(process.env.LOCK, async () => {
          const n = Number(await fs.readFile(process.env.COUNTER, 'utf8'));
          await new Promise((r) => setTimeout(r, 2));
          await fs.writeFile(process.env.COUNTER, String(n + 1));
        }, { waitMs: 30000, pollMs: 5 });
      }
    `;
    const results = await Promise.all(Array.from({ length: 4 }, () => runNode(worker, { LOCK: lockPath, COUNTER: counter })));
    for (const r of results) expect(r.stderr).toBe('');
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(await fs.readFile(counter, 'utf8')).toBe('60');
    await expect(fs.access(lockPath)).rejects.toThrow(); // released
  });

  it('queues concurrent calls in one process, first come first served', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        withLock(
          lockPath,
          async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 5));
            order.push(i);
            inside--;
          },
          { waitMs: 10_000 },
        ),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('returns fn’s value, passes its error through, and releases the lock either way', async () => {
    expect(await withLock(lockPath, async () => 42, { waitMs: 10_000 })).toBe(42);
    await expect(fs.access(lockPath)).rejects.toThrow();
    await expect(withLock(lockPath, async () => Promise.reject(new Error('boom')), { waitMs: 10_000 })).rejects.toThrow('boom');
    await expect(fs.access(lockPath)).rejects.toThrow();
    expect(await withLock(lockPath, async () => 'again', { waitMs: 10_000 })).toBe('again');
  });

  it('writes the holder’s pid and host into the lock file while held', async () => {
    const seen = await withLock(lockPath, async () => JSON.parse(await fs.readFile(lockPath, 'utf8')), { waitMs: 10_000 });
    expect(seen).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(typeof seen.created_at).toBe('string');
  });

  it('times out with a clear error naming the holder while another process holds the lock', async () => {
    const child = await holder();
    let waits = 0;
    let ran = false;
    const error = await rejection(withLock(lockPath, async () => void (ran = true), { waitMs: 300, pollMs: 20, onWait: () => waits++ }));
    expect(error).toMatchObject({ code: 'CREDENTIAL_STORE' });
    expect(error.message).toContain(`process ${child.pid}`);
    expect(error.message).toContain(lockPath);
    expect(error.hint).toContain(`delete ${lockPath}`);
    expect(waits).toBe(1);
    expect(ran).toBe(false);
    // The holder's lock is untouched.
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8')).pid).toBe(child.pid);
  });

  it('takes over the lock of a holder that was SIGKILLed', async () => {
    const child = await holder();
    child.kill('SIGKILL');
    await exited(child);
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8')).pid).toBe(child.pid); // left behind
    const result = await withLock(lockPath, async () => JSON.parse(await fs.readFile(lockPath, 'utf8')).pid, { waitMs: 5000 });
    expect(result).toBe(process.pid);
    await expect(fs.access(lockPath)).rejects.toThrow();
  });

  it('takes over an unreadable lock file only once it is old', async () => {
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    await fs.writeFile(lockPath, 'garbage');
    // Fresh garbage may be a writer mid-write: wait, do not steal.
    expect(await rejection(withLock(lockPath, async () => 1, { waitMs: 200, pollMs: 20 }))).toMatchObject({ code: 'CREDENTIAL_STORE' });
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockPath, old, old);
    expect(await withLock(lockPath, async () => 'taken', { waitMs: 2000, pollMs: 20 })).toBe('taken');
  });

  it('lets exactly one of many racing processes take over the same stale lock at a time', async () => {
    // A dead holder's lock; many processes find it stale at once. The counter proves exclusion.
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    const dead = await runNode('process.stdout.write(String(process.pid))');
    await fs.writeFile(lockPath, JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), created_at: 'x', nonce: 'dead' }));
    const counter = path.join(dir, 'counter');
    await fs.writeFile(counter, '0');
    const worker = `
      const { withLock } = await import(${JSON.stringify(distUrl('auth/lock'))});
      const fs = await import('node:fs/promises');
      await withLock(process.env.LOCK, async () => {
        const n = Number(await fs.readFile(process.env.COUNTER, 'utf8'));
        await new Promise((r) => setTimeout(r, 20));
        await fs.writeFile(process.env.COUNTER, String(n + 1));
      }, { waitMs: 30000, pollMs: 5 });
    `;
    const results = await Promise.all(Array.from({ length: 6 }, () => runNode(worker, { LOCK: lockPath, COUNTER: counter })));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await fs.readFile(counter, 'utf8')).toBe('6');
  });

  it('stops waiting with CANCELLED when the signal aborts', async () => {
    await holder();
    const controller = new AbortController();
    const pending = withLock(lockPath, async () => 'never', {
      waitMs: 30_000,
      pollMs: 20,
      signal: controller.signal,
      onWait: () => controller.abort(),
    });
    expect(await rejection(pending)).toMatchObject({ code: 'CANCELLED' });
  });

  it('stops waiting in the in-process queue too, on abort or timeout, without breaking the queue', async () => {
    let release!: () => void;
    const first = withLock(lockPath, () => new Promise<void>((r) => (release = r)), { waitMs: 30_000 });
    const controller = new AbortController();
    const aborted = withLock(lockPath, async () => 'no', { waitMs: 30_000, signal: controller.signal, onWait: () => controller.abort() });
    expect(await rejection(aborted)).toMatchObject({ code: 'CANCELLED' });
    expect(await rejection(withLock(lockPath, async () => 'no', { waitMs: 50 }))).toMatchObject({ code: 'CREDENTIAL_STORE' });
    const third = withLock(lockPath, async () => 'yes', { waitMs: 10_000 });
    release();
    await first;
    expect(await third).toBe('yes');
  });

  it('a waiter that gives up does not open the queue to the next caller while the holder is still getting the lock', async () => {
    // The race is narrow (the holder between queue and file); repeat it so a regression shows.
    for (let round = 0; round < 100; round++) {
      const file = path.join(dir, `round-${round}`, 'x.lock');
      let release: (() => void) | undefined;
      const first = withLock(file, () => new Promise<void>((r) => (release = r)), { waitMs: 30_000 });
      const controller = new AbortController();
      await withLock(file, async () => 'no', { waitMs: 30_000, signal: controller.signal, onWait: () => controller.abort() }).catch(() => {});
      expect(await rejection(withLock(file, async () => 'got in', { waitMs: 50 }))).toMatchObject({ code: 'CREDENTIAL_STORE' });
      while (!release) await new Promise((r) => setTimeout(r, 2));
      release();
      await first;
    }
  });

  it('does not delete a lock file that is no longer its own', async () => {
    await withLock(
      lockPath,
      async () => {
        await fs.writeFile(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', created_at: 'x', nonce: 'theirs' }));
      },
      { waitMs: 10_000 },
    );
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8')).nonce).toBe('theirs');
  });
});
