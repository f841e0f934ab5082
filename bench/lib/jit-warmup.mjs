/**
 * Untimed calls that take a new server process to its steady state before anything is timed.
 * V8 keeps compiling a process's hot functions for thousands of calls: counted with --trace-opt
 * per 1,000 calls at concurrency 1 (bench/jit-curve.mjs), the floor server is done by ~6,000
 * calls and whatalo-mcp, with more code on its path, by ~12,000; after that both settle at the
 * same 1-2 recompiles per 1,000. Timed before then, a figure measures how fast a process tiers
 * up, not what it costs per call. The calls go 16 at a time, where they are quicker: V8
 * compiles on call counts and type feedback, and a process warmed at 16 optimizes no more when
 * it then runs at 1 (the same trace).
 */
import { pool } from './mcp.mjs';

export const JIT_WARMUP_CALLS = 15_000;
const CONCURRENCY = 16;

/** `calls` untimed calls of `call` (default JIT_WARMUP_CALLS), 16 in flight. */
export function warmJit(call, calls = JIT_WARMUP_CALLS) {
  return pool(calls, CONCURRENCY, call);
}
