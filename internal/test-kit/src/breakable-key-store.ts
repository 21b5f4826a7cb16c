import type { KeyStore } from '@jwks-kit/issuer';

/** A key store other replicas share (it has `watch()`), whose outage a test switches on and off. */
export interface BreakableKeyStore extends KeyStore {
  /** While `true`, `load()`, `save()` and `update()` reject with `Error('redis unreachable')`. @default false */
  broken: boolean;
}

/**
 * Wraps `inner` (a memory or Redis key store) as a store that other replicas share: it has `watch()`, which
 * announces nothing, so a key ring over it goes stale once unread for `safetyMarginMs`, and its calls fail while
 * `broken`.
 */
export function breakableKeyStore(inner: KeyStore): BreakableKeyStore {
  const answer = <T>(call: () => Promise<T>): Promise<T> =>
    store.broken ? Promise.reject(new Error('redis unreachable')) : call();
  const store: BreakableKeyStore = {
    broken: false,
    load: () => answer(() => inner.load()),
    save: (set) => answer(() => inner.save(set)),
    update: inner.update && ((mutate) => answer(() => inner.update!(mutate))),
    watch: () => () => undefined,
  };
  return store;
}
