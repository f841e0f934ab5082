/**
 * A request's two waits, its deadline and its caller's abort, set up only once the request
 * has lasted WATCH_AFTER_MS. Until then it is one entry in a set that a single shared timer
 * looks at, so a request that is over sooner costs an insertion and a deletion instead of its
 * own timer and its own EventTarget listener.
 *
 * Why: at concurrency 1 in the stdio bench, a tool call's API request is over in well under a
 * millisecond, and its abort listener (added to and removed from the SDK's per-request
 * signal) and its deadline timer were ~20 µs and ~9 µs of the call's ~200 µs of server CPU
 * (bench/ab-builds.mjs, CPU from /proc/PID/task/TID/schedstat, paired against the floor
 * server in each round). Against a distant API a request outlasts WATCH_AFTER_MS and is
 * watched as before, at a cost that is nothing next to its latency.
 *
 * What a caller can tell: the deadline still counts from the start of the request, to the
 * millisecond; an abort that comes in the first WATCH_AFTER_MS takes effect at the end of it
 * (the SDK sends no result for a cancelled call, and a request the API answers within 50 ms
 * has mostly been handled by the time closing its connection could have stopped it).
 */

export const WATCH_AFTER_MS = 50;

interface Unwatched {
  /** performance.now() when the request started. */
  since: number;
  /** Sets up the waits, `elapsed` ms into the request; a no-op once the request is over. */
  watch(elapsed: number): void;
}

const over = (): void => {};

/** In the order the requests started, so the first one is the next to need watching. */
const unwatched = new Set<Unwatched>();
let sweep: NodeJS.Timeout | undefined;

function sweepUnwatched(): void {
  sweep = undefined;
  const now = performance.now();
  for (const entry of unwatched) {
    const wait = entry.since + WATCH_AFTER_MS - now;
    if (wait > 0) {
      // Unreferenced: a request in flight keeps the process alive by its socket, not by this timer.
      sweep = setTimeout(sweepUnwatched, wait).unref();
      return;
    }
    unwatched.delete(entry);
    entry.watch(now - entry.since);
  }
}

/**
 * Calls `onDeadline` once `timeoutMs` have passed, and `onAbort` once `signal` aborts (an
 * already aborted signal is the caller's to check), unless the returned stop function was
 * called first. A bound of at most twice WATCH_AFTER_MS is watched from the start.
 */
export function watchRequest(timeoutMs: number, signal: AbortSignal | undefined, onDeadline: () => void, onAbort: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let listening = false;
  const watch = (elapsed: number) => {
    if (signal?.aborted) return onAbort();
    if (signal) {
      listening = true;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    timer = setTimeout(onDeadline, Math.max(0, timeoutMs - elapsed));
  };
  const entry: Unwatched = { since: performance.now(), watch };
  if (timeoutMs <= 2 * WATCH_AFTER_MS) watch(0);
  else {
    unwatched.add(entry);
    sweep ??= setTimeout(sweepUnwatched, WATCH_AFTER_MS).unref();
  }
  return () => {
    unwatched.delete(entry);
    // The entry drops its closure, which holds the request, its answer and its callbacks.
    // Measured with --trace-gc-nvp at concurrency 16 in the stdio bench: with entries added to
    // and deleted from the set but keeping their closures, the server promoted 6.6 KB per call
    // (the floor server 2.1 KB) and spent twice the floor's time in scavenges; without the set,
    // or with this line, both are the floor's. Why a deleted entry lives that long is V8's
    // business: a small script adding and deleting such entries did not reproduce it.
    entry.watch = over;
    clearTimeout(timer);
    if (listening) signal?.removeEventListener('abort', onAbort);
  };
}
