/**
 * Per-tenant rate limits for the HTTP resource server: a budget per client IP, spent before
 * the token is checked (so a flood of made-up tokens cannot turn into a flood of
 * introspections), and one per store and OAuth client, spent after. Fixed windows: with
 * Redis one counter per window for the whole fleet (INCR + PEXPIRE in one Lua step), so the
 * limit holds however a load balancer spreads the requests; without Redis, or while it is
 * down, each process counts for itself (a fleet of N then allows up to N times the limit:
 * degraded, never closed).
 */
import type { IncomingMessage } from 'node:http';
import type { SharedStore } from './redis.js';

export interface RateLimits {
  /** Requests per window per client IP before auth; 0 = no limit. */
  perIp: number;
  /** Requests per window per store and client after auth; 0 = no limit. */
  perTenant: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends `cost` (default one request) of `subject`'s budget ('ip' with an address, 'tenant' with `store:client`). */
  take(kind: 'ip' | 'tenant', subject: string, cost?: number): Promise<RateDecision>;
}

/** Bounds the per-process counters: an address spray cannot grow them without end. */
const MAX_LOCAL_WINDOWS = 100_000;

function localWindows(now: () => number) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return (key: string, windowMs: number, cost: number) => {
    const t = now();
    let window = windows.get(key);
    if (!window || window.resetAt <= t) {
      if (window) windows.delete(key);
      if (windows.size >= MAX_LOCAL_WINDOWS) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        if (windows.size >= MAX_LOCAL_WINDOWS) windows.delete(windows.keys().next().value!);
      }
      window = { count: 0, resetAt: t + windowMs };
      windows.set(key, window);
    }
    window.count += cost;
    return { count: window.count, resetMs: window.resetAt - t };
  };
}

export function createRateLimiter(limits: RateLimits, options: { store?: SharedStore; namespace: string; now?: () => number }): RateLimiter {
  const windowMs = limits.windowSeconds * 1000;
  const local = localWindows(options.now ?? Date.now);
  return {
    async take(kind, subject, cost = 1) {
      const limit = kind === 'ip' ? limits.perIp : limits.perTenant;
      if (limit <= 0) return { allowed: true };
      const key = `whatalo-mcp:${options.namespace}:rate:${kind}:${subject}`;
      const counted = (await options.store?.hit(key, windowMs, cost)) ?? local(key, windowMs, cost);
      if (counted.count <= limit) return { allowed: true };
      return { allowed: false, limit, retryAfterSeconds: Math.max(1, Math.ceil(counted.resetMs / 1000)) };
    },
  };
}

const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's address: the socket's, or with `trustedHops` proxies in front, the entry that
 * many places from the right of X-Forwarded-For (what the nearest trusted proxy saw; the
 * entries left of it are whatever the client wrote, so never used).
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = hops[hops.length - trustedHops];
  return seen !== undefined && ADDRESS.test(seen) ? seen : socket;
}

/** The 429 body: a JSON-RPC error, as the transport answers a request it refuses (the request id is not read yet). */
export function rateLimitedBody(kind: 'ip' | 'tenant', decision: Extract<RateDecision, { allowed: false }>): Record<string, unknown> {
  const whose = kind === 'ip' ? 'this client address' : 'this store and client';
  return {
    jsonrpc: '2.0',
    error: { code: -32000, message: `Too many requests: ${whose} may send ${decision.limit} per window; retry in ${decision.retryAfterSeconds} s` },
    id: null,
  };
}
