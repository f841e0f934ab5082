/**
 * The store each sign-in is for, kept a few minutes: products and customers carry no
 * currency (CONTRACT V5), so texts need the store's, and a summary its time zone. One
 * `GET /store` per store per TTL instead of one per call. Bounded: the oldest entry goes
 * first when full (HTTP mode may serve many stores).
 */
import type { Store } from './types.js';

export interface StoreCache {
  get(storeId: string, now?: number): Store | undefined;
  set(storeId: string, store: Store, now?: number): void;
}

export function createStoreCache(ttlMs = 5 * 60_000, max = 1000): StoreCache {
  const entries = new Map<string, { store: Store; until: number }>();
  return {
    get(storeId, now = Date.now()) {
      const entry = entries.get(storeId);
      if (!entry) return undefined;
      if (entry.until > now) return entry.store;
      entries.delete(storeId);
      return undefined;
    },
    set(storeId, store, now = Date.now()) {
      entries.delete(storeId);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(storeId, { store, until: now + ttlMs });
    },
  };
}
