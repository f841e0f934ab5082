/**
 * The few Redis operations the replicas of one HTTP server share, over node-redis (loaded
 * only when WHATALO_REDIS_URL is set). Redis is an optimisation here, never a dependency of
 * an answer: every operation resolves to `undefined` when Redis cannot answer now (down,
 * slow, or not yet connected), and the caller then uses its own per-process state.
 *
 * Nothing waits without a bound: connecting at start gives up after CONNECT_TIMEOUT_MS (the
 * client keeps reconnecting in the background), commands time out after COMMAND_TIMEOUT_MS,
 * commands are refused at once rather than queued while disconnected, and a server that
 * stops answering is noticed by its unanswered pings (the socket timeout closes it).
 * Losing Redis is logged once as a warning and getting it back once as info; the URL is
 * never logged, since it may carry a password.
 */
import type { Logger } from '../../log.js';

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 500;
const PING_INTERVAL_MS = 1_000;
/** No byte from Redis this long, pings included: the connection is dead even if TCP says otherwise. */
const SOCKET_TIMEOUT_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** INCRBY and, on the first hit of a window, PEXPIRE, in one atomic step; answers [count, ms until the window resets]. */
const WINDOW_HIT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

export interface SharedStore {
  /** The value, null when absent, undefined when Redis cannot answer. */
  get(key: string): Promise<string | null | undefined>;
  /** Sets `key` for `ttlMs`; false when Redis cannot answer. */
  set(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** SET NX PX: true when this caller took the key, false when another holds it, undefined when Redis cannot answer. */
  claim(key: string, ttlMs: number): Promise<boolean | undefined>;
  delete(...keys: string[]): Promise<void>;
  /** Counts `cost` hits in the fixed window `key` of `windowMs`; undefined when Redis cannot answer. */
  hit(key: string, windowMs: number, cost?: number): Promise<{ count: number; resetMs: number } | undefined>;
  close(): Promise<void>;
}

/** What this module needs of a node-redis client. */
interface Client {
  isReady: boolean;
  on(event: string, listener: (arg?: unknown) => void): unknown;
  connect(): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: Record<string, unknown>): Promise<string | null>;
  del(keys: string[]): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  destroy(): void;
}

/** Where Redis is, for a log line: host and port only, never the credentials. */
export function redisEndpoint(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

export async function connectRedis(url: URL, logger: Logger): Promise<SharedStore> {
  const { createClient } = await import('redis');
  const client = createClient({
    url: url.href,
    disableOfflineQueue: true,
    pingInterval: PING_INTERVAL_MS,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 50),
    },
  }) as unknown as Client;
  const where = redisEndpoint(url);
  let lost = false;
  let closed = false;
  const down = (cause?: unknown) => {
    if (lost || closed) return;
    lost = true;
    const reason = cause instanceof Error ? cause.message : 'connection lost';
    logger.warn('Redis unreachable: this replica uses its own caches and rate limits until it is back (tokens are still checked)', {
      redis: where,
      reason,
    });
  };
  // node-redis emits 'error' on every failed reconnect attempt: only the first one after a good spell is worth a line.
  client.on('error', down);
  client.on('reconnecting', () => down());
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info('Redis reconnected: caches and rate limits are shared again', { redis: where });
  });
  const connecting = client.connect().catch(() => {});
  // Start without it when the first attempt fails or takes too long; reconnection goes on in the background.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connecting,
    new Promise((resolve) => {
      timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
      client.on('error', resolve);
    }),
  ]);
  clearTimeout(timer);
  if (client.isReady) logger.info('sharing caches and rate limits through Redis', { redis: where });
  else down(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`));

  /** Runs a command only on a ready connection; any failure means "Redis cannot answer" for this call. */
  async function attempt<T>(command: () => Promise<T>): Promise<T | undefined> {
    if (!client.isReady) return undefined;
    try {
      return await command();
    } catch (error) {
      // A timeout or a reply error for one command: the connection's own events decide whether Redis is down.
      logger.debug('Redis command failed; using local state for this request', { redis: where, error });
      return undefined;
    }
  }

  return {
    get: (key) => attempt(() => client.get(key)),
    async set(key, value, ttlMs) {
      return (await attempt(() => client.set(key, value, { PX: Math.max(1, Math.ceil(ttlMs)) }))) === 'OK';
    },
    async claim(key, ttlMs) {
      const answer = await attempt(() => client.set(key, '1', { NX: true, PX: Math.max(1, Math.ceil(ttlMs)) }));
      return answer === undefined ? undefined : answer === 'OK';
    },
    async delete(...keys) {
      if (keys.length > 0) await attempt(() => client.del(keys));
    },
    async hit(key, windowMs, cost = 1) {
      const answer = await attempt(() => client.eval(WINDOW_HIT, { keys: [key], arguments: [String(Math.ceil(windowMs)), String(cost)] }));
      if (!Array.isArray(answer) || typeof answer[0] !== 'number' || typeof answer[1] !== 'number') return undefined;
      return { count: answer[0], resetMs: answer[1] };
    },
    async close() {
      closed = true;
      client.destroy();
      await connecting;
    },
  };
}
