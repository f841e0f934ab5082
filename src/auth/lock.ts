/**
 * A cross-process lock file: one sign-in flow per issuer, one refresh at a time across every
 * whatalo-mcp process of this user, and read-modify-write of the credential file.
 *
 * The lock is a file created with O_EXCL holding {pid, host, created_at, nonce}. A lock whose
 * process is gone (same host, pid not alive) is stale and taken over, so a crash never wedges
 * sign-in. Not reentrant: calling withLock on a path already held by the same call chain waits
 * for itself until waitMs.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { WhataloError } from '../errors.js';

export interface LockOptions {
  waitMs: number;
  signal?: AbortSignal;
  onWait?: () => void;
  pollMs?: number;
}

/** A lock file's record: who holds it, and the nonce that tells our own record from a successor's. */
const lockRecord = z.object({
  pid: z.number().int().refine(Number.isSafeInteger),
  host: z.string(),
  created_at: z.unknown().transform((v) => String(v ?? '')),
  nonce: z.string(),
});
type LockRecord = z.output<typeof lockRecord>;

/** A lock file that cannot be parsed is only judged stale once it is this old: its writer may be mid-write. */
const GARBAGE_GRACE_MS = 5_000;
/** The takeover guard is held for a few file operations; older than this, its holder died. */
const TAKEOVER_GRACE_MS = 10_000;
const DEFAULT_POLL_MS = 100;

/** Per path, the tail of the in-process queue: calls in one process wait on a promise, not on the file. */
const queues = new Map<string, Promise<void>>();
/** Paths whose file lock this process holds right now (so a record with our own pid is not judged stale). */
const held = new Set<string>();

/**
 * Runs fn while holding the lock at lockPath; waits up to waitMs for it (then WhataloError with a clear message). A stale lock of a dead process is taken over.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const key = path.resolve(lockPath);
  const deadline = Date.now() + options.waitMs;
  let waited = false;
  const noteWait = () => {
    if (waited) return;
    waited = true;
    options.onWait?.();
  };

  const previous = queues.get(key);
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => (leave = resolve));
  // Successors wait for the previous holder and then for us, even if we give up early.
  const tail = (previous ?? Promise.resolve()).then(() => mine);
  queues.set(key, tail);
  try {
    if (previous) {
      noteWait();
      await waitInProcess(previous, key, deadline, options.signal);
    }
    const record = await acquireFile(key, deadline, options, noteWait);
    held.add(key);
    try {
      return await fn();
    } finally {
      held.delete(key);
      await releaseFile(key, record);
    }
  } finally {
    leave();
    // Drop the entry only once everyone ahead is done too: a waiter that gave up early must not
    // take the holder ahead of it out of the queue (the next caller would skip straight to the
    // file and could find the holder's record half-written).
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
  }
}

async function acquireFile(lockPath: string, deadline: number, options: LockOptions, noteWait: () => void): Promise<LockRecord> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  await ensureDir(path.dirname(lockPath));
  for (;;) {
    throwIfAborted(options.signal, lockPath);
    const record: LockRecord = {
      pid: process.pid,
      host: os.hostname(),
      created_at: new Date().toISOString(),
      nonce: randomBytes(12).toString('hex'),
    };
    if (await tryCreate(lockPath, record)) return record;
    if (await takeOverIfStale(lockPath)) continue;
    if (Date.now() >= deadline) throw timeoutError(lockPath, await readRecord(lockPath));
    noteWait();
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal, lockPath);
  }
}

async function tryCreate(lockPath: string, record: LockRecord): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw new WhataloError('CREDENTIAL_STORE', `Cannot create the lock file ${lockPath}: ${errorMessage(error)}.`, {
      cause: error,
      hint: `Check that ${path.dirname(lockPath)} is writable by you.`,
    });
  }
  try {
    await handle.writeFile(JSON.stringify(record));
    await handle.sync();
  } catch (error) {
    await handle.close();
    // An empty lock would block everyone until it ages into "garbage"; take it back now.
    await fs.rm(lockPath, { force: true });
    throw new WhataloError('CREDENTIAL_STORE', `Cannot write the lock file ${lockPath}: ${errorMessage(error)}.`, { cause: error });
  }
  await handle.close();
  return true;
}

/**
 * Removes the lock at lockPath when its holder is gone. Two processes may judge the same lock
 * stale at once; a second O_EXCL file (the takeover guard) makes sure only one of them
 * re-reads and removes it, so neither can remove a lock the other has just taken.
 */
async function takeOverIfStale(lockPath: string): Promise<boolean> {
  const observed = await inspect(lockPath);
  if (observed.state !== 'stale') return observed.state === 'gone';
  const guard = `${lockPath}.takeover`;
  const guardRecord: LockRecord = {
    pid: process.pid,
    host: os.hostname(),
    created_at: new Date().toISOString(),
    nonce: randomBytes(12).toString('hex'),
  };
  if (!(await tryCreate(guard, guardRecord))) {
    const guardState = await inspect(guard, TAKEOVER_GRACE_MS);
    if (guardState.state === 'stale') await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const again = await inspect(lockPath);
    if (again.state !== 'stale' || again.raw !== observed.raw) return again.state === 'gone';
    await fs.rm(lockPath, { force: true });
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}

type Inspection = { state: 'gone' } | { state: 'live' | 'stale'; raw: string };

async function inspect(lockPath: string, garbageGraceMs = GARBAGE_GRACE_MS): Promise<Inspection> {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = await fs.readFile(lockPath, 'utf8');
    mtimeMs = (await fs.stat(lockPath)).mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { state: 'gone' };
    throw new WhataloError('CREDENTIAL_STORE', `Cannot read the lock file ${lockPath}: ${errorMessage(error)}.`, {
      cause: error,
    });
  }
  const record = parseRecord(raw);
  if (!record) return { state: Date.now() - mtimeMs > garbageGraceMs ? 'stale' : 'live', raw };
  // A lock from another host (a shared home directory) cannot be checked; only its owner frees it.
  if (record.host !== os.hostname()) return { state: 'live', raw };
  if (record.pid === process.pid) return { state: held.has(lockPath) ? 'live' : 'stale', raw };
  return { state: isAlive(record.pid) ? 'live' : 'stale', raw };
}

async function releaseFile(lockPath: string, record: LockRecord): Promise<void> {
  try {
    const current = parseRecord(await fs.readFile(lockPath, 'utf8'));
    if (current?.nonce === record.nonce) await fs.rm(lockPath, { force: true });
  } catch {
    // Already gone (or unreadable): nothing of ours to release.
  }
}

async function readRecord(lockPath: string): Promise<LockRecord | undefined> {
  try {
    return parseRecord(await fs.readFile(lockPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseRecord(raw: string): LockRecord | undefined {
  // Garbage (half-written, or not ours) is no record: its age alone then decides whether it is stale.
  try {
    const parsed = lockRecord.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(error) !== 'ESRCH';
  }
}

function timeoutError(lockPath: string, holder: LockRecord | undefined): WhataloError {
  const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.created_at})` : 'another process';
  return new WhataloError(
    'CREDENTIAL_STORE',
    `Timed out waiting for ${who} to release the lock ${lockPath}; another whatalo-mcp is busy signing in or refreshing.`,
    {
      hint: `Finish or cancel the other sign-in and try again. If no other whatalo-mcp is running, delete ${lockPath}.`,
      details: { lockPath, reason: 'lock_timeout', holderPid: holder?.pid },
    },
  );
}

/** Waits for the holder ahead of us in this process, bounded by the deadline and the signal. */
async function waitInProcess(ahead: Promise<void>, lockPath: string, deadline: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal, lockPath);
  // `done` ends the deadline timer once the holder ahead is out, so no timer outlives the wait.
  const done = new AbortController();
  const timer = delay(Math.max(0, deadline - Date.now()), 'timeout' as const, { signal: signal ? AbortSignal.any([signal, done.signal]) : done.signal });
  try {
    const first = await Promise.race([ahead, timer]);
    if (first === 'timeout') throw timeoutError(lockPath, await readRecord(lockPath));
  } catch (error) {
    if (signal?.aborted) throw cancelledError(lockPath);
    throw error;
  } finally {
    done.abort();
  }
}

function throwIfAborted(signal: AbortSignal | undefined, lockPath: string): void {
  if (signal?.aborted) throw cancelledError(lockPath);
}

function cancelledError(lockPath: string): WhataloError {
  return new WhataloError('CANCELLED', `Cancelled while waiting for the lock ${lockPath}.`);
}

/** Resolves after ms, or rejects with CANCELLED as soon as the signal aborts. */
async function sleep(ms: number, signal: AbortSignal | undefined, lockPath: string): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch {
    throw cancelledError(lockPath);
  }
}

async function ensureDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
