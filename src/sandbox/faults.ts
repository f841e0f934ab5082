/**
 * Fault injection: makes the sandbox misbehave on demand (added latency, a share or a count
 * of 5xx answers, dropped connections, 429 with Retry-After, an endpoint that is down), so
 * tests can prove the client survives outages. Controlled by `/sandbox/faults` and by
 * `whatalo-mcp sandbox --faults FILE`.
 *
 * Faults are applied before routing and are deterministic: `rate` fires on an exact share of
 * the matching requests (rate 0.5 fires on every 2nd, 0.25 on every 4th), never by chance,
 * so a test that passes once passes every time. The `/sandbox/*` controls are never faulted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './api/errors.js';
import { HttpError, readJson, sendJson } from './http.js';

/** One fault, as a test or a `--faults` file writes it. */
export interface FaultSpec {
  /** An exact path ('/oauth/token') or a prefix ending in '*' ('/api/v1/*'). */
  path: string;
  /** Only this HTTP method; any method when absent. */
  method?: string;
  /** Milliseconds added before the request is handled (or before the status/drop below). */
  latency_ms?: number;
  /** Answer with this status instead of handling the request (400–599). */
  status?: number;
  /** Seconds for the Retry-After header; implies status 429 when no status is given. */
  retry_after?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** The endpoint is down: every matching request has its connection dropped. */
  down?: boolean;
  /** Share of matching requests that fire, in (0, 1]; deterministic (see above). Default 1. */
  rate?: number;
  /** Fire on at most this many requests, then stand aside. */
  count?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  /** Requests this fault matched (before rate and count). */
  matched: number;
  /** Requests this fault acted on. */
  fired: number;
}

/** The active fault set; replaced as a whole by POST /sandbox/faults. */
export interface FaultState {
  faults: ActiveFault[];
}

export const FAULTS_PATH = '/sandbox/faults';
const MAX_FAULTS = 100;
const MAX_LATENCY_MS = 120_000;
const MAX_RETRY_AFTER = 3600;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const KEYS = new Set(['path', 'method', 'latency_ms', 'status', 'retry_after', 'drop', 'down', 'rate', 'count']);

/** Thrown for a fault set that makes no sense; the control answers it as 400, the CLI as a config error. */
export class FaultSpecError extends Error {}

function invalid(where: string, message: string): FaultSpecError {
  return new FaultSpecError(`${where}: ${message}`);
}

function integerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Validates a fault set strictly: unknown keys, wrong types, out-of-range numbers, a fault
 * with no effect and contradictory effects are all refused with a message naming the field.
 * Accepts `{"faults": [...]}` or the bare list.
 */
export function parseFaults(body: unknown): FaultSpec[] {
  let list: unknown = body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const extra = Object.keys(body).filter((k) => k !== 'faults');
    if (extra.length > 0) throw invalid('body', `unknown field "${extra[0]}"; send {"faults": [...]}`);
    list = (body as { faults?: unknown }).faults;
  }
  if (!Array.isArray(list)) throw invalid('body', 'send {"faults": [...]} with a list of faults');
  if (list.length > MAX_FAULTS) throw invalid('faults', `at most ${MAX_FAULTS} faults at once`);
  return list.map((item, i) => parseFault(item, `faults[${i}]`));
}

function parseFault(item: unknown, where: string): FaultSpec {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(where, 'must be an object');
  const raw = item as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) throw invalid(where, `unknown field "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  const spec: FaultSpec = { path: parsePath(raw.path, where) };
  if (raw.method !== undefined) {
    if (typeof raw.method !== 'string' || !METHODS.has(raw.method.toUpperCase())) {
      throw invalid(where, `method must be one of ${[...METHODS].join(', ')}`);
    }
    spec.method = raw.method.toUpperCase();
  }
  if (raw.latency_ms !== undefined) {
    if (!integerIn(raw.latency_ms, 1, MAX_LATENCY_MS)) throw invalid(where, `latency_ms must be an integer from 1 to ${MAX_LATENCY_MS}`);
    spec.latency_ms = raw.latency_ms;
  }
  if (raw.status !== undefined) {
    if (!integerIn(raw.status, 400, 599)) throw invalid(where, 'status must be an integer from 400 to 599');
    spec.status = raw.status;
  }
  if (raw.retry_after !== undefined) {
    if (!integerIn(raw.retry_after, 0, MAX_RETRY_AFTER)) throw invalid(where, `retry_after must be an integer from 0 to ${MAX_RETRY_AFTER} (seconds)`);
    spec.status ??= 429;
    if (spec.status !== 429 && spec.status !== 503) throw invalid(where, 'retry_after goes with status 429 or 503');
    spec.retry_after = raw.retry_after;
  }
  for (const flag of ['drop', 'down'] as const) {
    if (raw[flag] === undefined) continue;
    if (raw[flag] !== true) throw invalid(where, `${flag} must be true when present`);
    spec[flag] = true;
  }
  if (raw.rate !== undefined) {
    if (typeof raw.rate !== 'number' || !(raw.rate > 0 && raw.rate <= 1)) throw invalid(where, 'rate must be a number greater than 0 and at most 1');
    spec.rate = raw.rate;
  }
  if (raw.count !== undefined) {
    if (!integerIn(raw.count, 1, 1_000_000)) throw invalid(where, 'count must be a positive integer');
    spec.count = raw.count;
  }

  const effects = [spec.status !== undefined, spec.drop === true, spec.down === true].filter(Boolean).length;
  if (effects > 1) throw invalid(where, 'choose one of status, drop or down');
  if (effects === 0 && spec.latency_ms === undefined) throw invalid(where, 'has no effect; give latency_ms, status, retry_after, drop or down');
  if (spec.down && (spec.rate !== undefined || spec.count !== undefined || spec.latency_ms !== undefined)) {
    throw invalid(where, 'down drops every request; it takes no rate, count or latency_ms');
  }
  return spec;
}

function parsePath(value: unknown, where: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 512) {
    throw invalid(where, 'path must be a string starting with "/" (an exact path, or a prefix ending in "*")');
  }
  if (value.indexOf('*') !== -1 && value.indexOf('*') !== value.length - 1) throw invalid(where, '"*" is allowed only at the end of path');
  if (value === '/sandbox' || value.startsWith('/sandbox/')) {
    throw invalid(where, 'the /sandbox/* controls cannot be faulted (a test must always be able to clear its faults)');
  }
  // A prefix such as '/*' also covers /sandbox/*, which pickFault always passes over.
  return value;
}

export function createFaultState(specs: readonly FaultSpec[] = []): FaultState {
  return { faults: specs.map((spec) => ({ spec, matched: 0, fired: 0 })) };
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method !== method) return false;
  return spec.path.endsWith('*') ? path.startsWith(spec.path.slice(0, -1)) : path === spec.path;
}

/** Counts the request against the first matching fault that fires; undefined when none does. */
export function pickFault(state: FaultState, method: string, path: string): FaultSpec | undefined {
  if (path.startsWith('/sandbox/')) return undefined;
  for (const fault of state.faults) {
    if (!matches(fault.spec, method, path)) continue;
    fault.matched++;
    const { rate = 1, count } = fault.spec;
    if (count !== undefined && fault.fired >= count) continue;
    // Exact share, no randomness: fires when the running total of `rate` crosses an integer.
    if (Math.floor(fault.matched * rate) === Math.floor((fault.matched - 1) * rate)) continue;
    fault.fired++;
    return fault.spec;
  }
  return undefined;
}

/** Resolves after `ms`, or as soon as the client goes away (then false). */
function delay(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

/**
 * Applies the fault, if any, for this request. Resolves to true when the request was answered
 * or dropped here (the router stops), false when it should be handled normally (perhaps late).
 * A client that gives up during added latency is not handled at all: the AS never saw a
 * complete request, as when a slow network loses it.
 */
export async function applyFault(
  state: FaultState,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
  apiPrefix: string,
): Promise<boolean> {
  const spec = pickFault(state, method, path);
  if (!spec) return false;
  if (spec.latency_ms !== undefined && !(await delay(res, spec.latency_ms))) return true;
  if (spec.drop || spec.down) {
    req.socket.destroy();
    return true;
  }
  if (spec.status === undefined) return false;
  const headers: Record<string, string> = { 'cache-control': 'no-store', connection: 'close' };
  if (spec.retry_after !== undefined) headers['retry-after'] = String(spec.retry_after);
  // Drain the body so the client sees the answer, not a reset, on a keep-alive connection.
  req.resume();
  sendJson(res, spec.status, faultBody(spec, path.startsWith(apiPrefix)), headers);
  return true;
}

/** An answer in the shape the faulted endpoint would use: API v1's nested error or RFC 6749 §5.2. */
function faultBody(spec: FaultSpec, api: boolean): Record<string, unknown> {
  const status = spec.status!;
  const message = status === 429 ? `rate limited by an injected fault; retry in ${spec.retry_after ?? 1} s` : `injected fault: status ${status}`;
  if (api) {
    const code = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
    return errorBody(code, message, spec.retry_after === undefined ? {} : { retry_after: spec.retry_after });
  }
  // Whatalo's AS answers a 429 with rate_limit_exceeded, a 503 with temporarily_unavailable (CONTRACT A9).
  const error = status === 429 ? 'rate_limit_exceeded' : status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request';
  return { error, error_description: message };
}

/** The listing GET answers: each fault as given, with how often it matched and fired. */
export function listFaults(state: FaultState): { faults: (FaultSpec & { matched: number; fired: number })[] } {
  return { faults: state.faults.map((f) => ({ ...f.spec, matched: f.matched, fired: f.fired })) };
}

/**
 * GET, POST and DELETE /sandbox/faults. POST replaces the whole set (an empty list clears);
 * a nonsense body is a 400 naming the field, and leaves the active set untouched.
 */
export async function handleFaults(state: FaultState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'POST') {
    let specs: FaultSpec[];
    try {
      specs = parseFaults(await readJson(req));
    } catch (error) {
      if (error instanceof FaultSpecError) throw new HttpError(400, { error: 'invalid_request', message: error.message });
      throw error;
    }
    state.faults = createFaultState(specs).faults;
  } else if (method === 'DELETE') {
    state.faults = [];
  }
  sendJson(res, 200, listFaults(state), { 'cache-control': 'no-store' });
}
