/**
 * A request's two waits, its deadline and its caller's abort, set up only once the request
 * has lasted WATCH_AFTER_MS. Until then it is one entry in a list that a single shared timer
 * looks at, so a request that is over sooner costs linking and unlinking an entry instead of
 * its own timer and its own EventTarget listener.
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

/**
 * A request not yet watched: a node of a doubly linked list in the order the requests
 * started, so the first one is the next to need watching.
 *
 * A list, not a Set: once a Set's backing table is in the old generation, V8 allocates each
 * table the set grows into there too, and a table it has replaced keeps pointing at the
 * entries it held (v8/src/objects/ordered-hash-table.cc, Rehash) until the next full
 * collection. A young object that an old one points at survives every scavenge, so each entry,
 * with the request its closure holds, was promoted: at concurrency 16 and 64 in the stdio
 * bench the server promoted 6.6–7.4 KB per call against the floor server's 2.1 KB and spent
 * twice its time in scavenges (bench figure 3b, bench/gc-calls.mjs). An unlinked node points
 * at nothing, and nothing old points at it.
 */
interface Unwatched {
  /** performance.now() when the request started. */
  since: number;
  /** Sets up the waits, `elapsed` ms into the request. */
  watch(elapsed: number): void;
  prev: Unwatched | undefined;
  next: Unwatched | undefined;
}

/** The list's sentinel, linked to itself when empty: `ring.next` is the oldest request, `ring.prev` the newest. */
const ring: Unwatched = { since: 0, watch: () => {}, prev: undefined, next: undefined };
ring.prev = ring.next = ring;
let sweep: NodeJS.Timeout | undefined;

function link(entry: Unwatched): void {
  entry.prev = ring.prev;
  entry.next = ring;
  ring.prev!.next = entry;
  ring.prev = entry;
}

function unlink(entry: Unwatched): void {
  if (!entry.next) return;
  entry.prev!.next = entry.next;
  entry.next.prev = entry.prev;
  entry.prev = entry.next = undefined;
}

function sweepUnwatched(): void {
  sweep = undefined;
  const now = performance.now();
  for (let entry = ring.next!; entry !== ring; entry = ring.next!) {
    const wait = entry.since + WATCH_AFTER_MS - now;
    if (wait > 0) {
      // Unreferenced: a request in flight keeps the process alive by its socket, not by this timer.
      sweep = setTimeout(sweepUnwatched, wait).unref();
      return;
    }
    unlink(entry);
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
  const entry: Unwatched = { since: performance.now(), watch, prev: undefined, next: undefined };
  if (timeoutMs <= 2 * WATCH_AFTER_MS) watch(0);
  else {
    link(entry);
    sweep ??= setTimeout(sweepUnwatched, WATCH_AFTER_MS).unref();
  }
  return () => {
    unlink(entry);
    clearTimeout(timer);
    if (listening) signal?.removeEventListener('abort', onAbort);
  };
}
