import type { DpopReplayStore } from './dpop-replay-store.js';

/** Options of {@link createMemoryDpopReplayStore}. */
export type MemoryDpopReplayStoreOptions = Readonly<{
  /**
   * Most keys held at once. When the store is full of unexpired keys, `useOnce` rejects (the caller
   * fails closed with 503) rather than forget a key that could then be replayed.
   * @default 250000 (measured: about 600 bytes per key of a UUID jti, so about 150 MB when full)
   */
  maxEntries?: number;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}>;

/** Thrown (as a rejection) by a full {@link createMemoryDpopReplayStore}. */
export class DpopReplayStoreFullError extends Error {
  override readonly name = 'DpopReplayStoreFullError';
  readonly code = 'ERR_DPOP_REPLAY_STORE_FULL';
  constructor(maxEntries: number) {
    super(`the DPoP replay store holds ${maxEntries} unexpired proofs (maxEntries)`);
  }
}

/**
 * The in-process replay store (one replica only; replicas of a service share a Redis store instead):
 * a bounded map from key to expiry. Expired keys are dropped from the oldest end on every insert, and
 * by a full sweep when the map is full.
 */
export function createMemoryDpopReplayStore(options: MemoryDpopReplayStoreOptions = {}): DpopReplayStore {
  const { maxEntries = 250_000, now = Date.now } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('option `maxEntries` must be a positive integer');
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function returning milliseconds');
  const expiries = new Map<string, number>();

  const dropExpiredOldest = (nowMs: number) => {
    for (const [key, expiresAtMs] of expiries) {
      if (expiresAtMs > nowMs) return;
      expiries.delete(key);
    }
  };
  const dropAllExpired = (nowMs: number) => {
    for (const [key, expiresAtMs] of expiries) if (expiresAtMs <= nowMs) expiries.delete(key);
  };

  const useOnce = (key: string, ttlMs: number): boolean => {
    const nowMs = now();
    const known = expiries.get(key);
    if (known !== undefined && known > nowMs) return false;
    if (known !== undefined) expiries.delete(key);
    dropExpiredOldest(nowMs);
    if (expiries.size >= maxEntries) dropAllExpired(nowMs);
    if (expiries.size >= maxEntries) throw new DpopReplayStoreFullError(maxEntries);
    expiries.set(key, nowMs + ttlMs);
    return true;
  };

  return Object.freeze({
    useOnce(key: string, ttlMs: number): Promise<boolean> {
      try {
        return Promise.resolve(useOnce(key, ttlMs));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
  });
}
