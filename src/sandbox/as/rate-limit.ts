/**
 * Whatalo's AS rate limits (CONTRACT A5: 10 registrations per IP per hour; A8: 60 token
 * requests per minute per IP and 30 per client_id), as a sliding log per key on the sandbox
 * clock, so a test can advance the clock past a window. Bounded: at most `limit` timestamps
 * per key and MAX_KEYS keys (the oldest key is forgotten first).
 */
import { HttpError } from '../http.js';

const MAX_KEYS = 1000;

/** One limit: timestamps (ms) of the requests of each key inside the window. */
export interface RateWindow {
  windowMs: number;
  hits: Map<string, number[]>;
}

export function createWindow(windowSeconds: number): RateWindow {
  return { windowMs: windowSeconds * 1000, hits: new Map() };
}

/**
 * Counts one request of `key` at `nowMs` against `limit`. Over the limit, nothing is counted
 * and the answer is the seconds until a slot frees (for Retry-After); otherwise undefined.
 */
export function take(window: RateWindow, key: string, limit: number, nowMs: number): number | undefined {
  const since = nowMs - window.windowMs;
  const recent = (window.hits.get(key) ?? []).filter((t) => t > since);
  if (recent.length >= limit) {
    window.hits.set(key, recent);
    const oldest = recent[recent.length - limit]!;
    return Math.max(1, Math.ceil((oldest + window.windowMs - nowMs) / 1000));
  }
  recent.push(nowMs);
  window.hits.delete(key);
  if (window.hits.size >= MAX_KEYS) {
    const first = window.hits.keys().next().value;
    if (first !== undefined) window.hits.delete(first);
  }
  window.hits.set(key, recent);
  return undefined;
}

/** Whatalo's 429 (CONTRACT A9): `rate_limit_exceeded` with Retry-After in seconds. */
export function rateLimited(description: string, retryAfterSeconds: number): HttpError {
  return new HttpError(
    429,
    { error: 'rate_limit_exceeded', error_description: description },
    { 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store' },
  );
}
