/**
 * What the replicas of one HTTP server share through Redis, so a fleet costs the AS what one
 * process does: the introspection of each token, and (only when sealed with a key from
 * config) the token exchanged for it.
 *
 * An entry is found by the digest of the token, never the token, and carries its own
 * absolute deadline, so "≤ 60 s end to end" holds whichever replica filled it: a replica
 * that reads it keeps it locally no longer than that deadline either. Only successes are
 * stored. To keep concurrent replicas from all asking the AS, the first one takes a short
 * lease (SET NX PX) and the others wait for its result, for a bounded time, then ask
 * themselves. Anything unreadable in Redis (garbled, forged, from another deployment) is
 * a miss: the replica asks the AS, so Redis can cost an introspection but never decide one.
 *
 * With WHATALO_CACHE_KEY every entry is sealed (AES-256-GCM, the Redis key as associated
 * data) and keys are HMACs of the digest: someone who can write to Redis can neither read
 * an exchanged token nor plant an "active" answer for a token of their making. Without it,
 * introspection answers are plain JSON (no token in them) and exchanged tokens stay in
 * each process.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SharedStore } from './redis.js';

/** Longest a replica waits for another's introspection or exchange; past the AS timeout, the holder has failed. */
const LEASE_MS = 6_000;
const POLL_MS = 25;

export interface Deadlined<T> {
  value: T;
  /** Epoch ms after which the value must not be used. */
  until: number;
}

/** A cache one replica fills for the fleet. Local-only when there is no Redis. */
export interface FleetCache<T> {
  /** The fleet's entry for `digest`, or `fill()` run once across the fleet where it can be (its non-null result stored until its deadline). */
  fetch(digest: string, fill: () => Promise<Deadlined<T> | null>): Promise<Deadlined<T> | null>;
  /** Forgets the entries of every digest given, in one round trip. */
  delete(...digests: string[]): Promise<void>;
}

export interface FleetCaches<I, E> {
  introspections: FleetCache<I>;
  exchanges: FleetCache<E>;
}

export interface FleetOptions<I, E> {
  store: SharedStore | undefined;
  /** 32 bytes; seals entries and makes exchanged tokens shareable. */
  cacheKey: Buffer | undefined;
  /** Names this deployment in every key (deploymentNamespace): a token active for one resource server may be inactive for another. */
  namespace: string;
  /** Checks what Redis gave back; null = not a value this replica would have produced. */
  parseIntrospection(value: unknown): I | null;
  parseExchange(value: unknown): E | null;
  now?: () => number;
}

/** The part of every Redis key that names one deployment: the AS and the resource its tokens are for. */
export function deploymentNamespace(issuer: URL, publicUrl: URL): string {
  return createHash('sha256').update(`${issuer.href} ${publicUrl.href}`).digest('base64url').slice(0, 16);
}

/** A cache that is only ever filled by the caller: what a replica without Redis does. */
export function localOnly<T>(): FleetCache<T> {
  return { fetch: (_digest, fill) => fill(), delete: async () => {} };
}

function sealer(cacheKey: Buffer) {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', cacheKey, Buffer.alloc(0), `whatalo-mcp shared cache: ${purpose}`, 32));
  const aead = derive('AES-256-GCM');
  const mac = derive('HMAC-SHA256 key names');
  return {
    name: (digest: string) => createHmac('sha256', mac).update(digest).digest('base64url'),
    seal(text: string, key: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aead, iv).setAAD(Buffer.from(key));
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed: string, key: string): string | null {
      try {
        const raw = Buffer.from(sealed, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', aead, raw.subarray(0, 12)).setAAD(Buffer.from(key));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}

export function createFleetCaches<I, E>(options: FleetOptions<I, E>): FleetCaches<I, E> {
  const { store, cacheKey } = options;
  if (!store) return { introspections: localOnly(), exchanges: localOnly() };
  const now = options.now ?? Date.now;
  const seal = cacheKey ? sealer(cacheKey) : undefined;

  function fleetCache<T>(kind: string, parse: (value: unknown) => T | null): FleetCache<T> {
    const keyOf = (digest: string) => `whatalo-mcp:${options.namespace}:${kind}:${seal ? seal.name(digest) : digest}`;
    const leaseOf = (key: string) => `${key}:lease`;

    /** The live entry at `key`; null when absent or unusable; undefined when Redis cannot answer. */
    async function read(key: string): Promise<Deadlined<T> | null | undefined> {
      const raw = await store!.get(key);
      if (raw === undefined || raw === null) return raw;
      const text = seal ? seal.open(raw, key) : raw;
      if (text === null) return null;
      let entry: { value?: unknown; until?: unknown };
      try {
        entry = JSON.parse(text) as typeof entry;
      } catch {
        return null;
      }
      const value = parse(entry.value);
      if (value === null || typeof entry.until !== 'number' || entry.until <= now()) return null;
      return { value, until: entry.until };
    }

    async function publish(key: string, entry: Deadlined<T>): Promise<void> {
      const ttl = entry.until - now();
      if (ttl <= 0) return;
      const text = JSON.stringify(entry);
      await store!.set(key, seal ? seal.seal(text, key) : text, ttl);
    }

    return {
      async fetch(digest, fill) {
        const key = keyOf(digest);
        const deadline = now() + LEASE_MS;
        for (;;) {
          const hit = await read(key);
          if (hit) return hit;
          if (hit === undefined) return fill();
          const mine = await store!.claim(leaseOf(key), LEASE_MS);
          if (mine === undefined) return fill();
          if (mine) {
            try {
              // The previous holder may have published and let go between our read and our claim.
              const published = await read(key);
              if (published) return published;
              const filled = await fill();
              if (filled) await publish(key, filled);
              return filled;
            } finally {
              // Failures and inactive answers are not stored: the next replica asks for itself at once.
              await store!.delete(leaseOf(key));
            }
          }
          // Another replica is asking the AS right now: its answer will be here shortly.
          if (now() >= deadline) return fill();
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      },
      async delete(...digests) {
        await store!.delete(...digests.map(keyOf));
      },
    };
  }

  return {
    introspections: fleetCache('introspection', options.parseIntrospection),
    // An exchanged token is a bearer credential for API v1: in Redis only sealed.
    exchanges: seal ? fleetCache('exchange', options.parseExchange) : localOnly(),
  };
}
