import type { KeyStore } from '@jwks-kit/issuer';

/** A key store other replicas share (it has `watch()`), whose outage a test switches on and off. */
export interface BreakableKeyStore extends KeyStore {
  /** While `true`, `load()`, `save()` and `update()` reject with `Error('redis unreachable')`. @default false */
  broken: boolean;
  /**
   * Holds every call from now on until the returned `release()`, after which each answers as the store then is
   * (`broken` or not): a store that does not answer, such as a Redis command queued while its client reconnects.
   */
  hold(): () => void;
  /** How many times `load()` has been called: the key ring's re-reads. */
  readonly loads: number;
}

/**
 * Wraps `inner` (a memory or Redis key store) as a store that other replicas share: it has `watch()`, which
 * announces nothing, so a key ring over it goes stale once unread for `safetyMarginMs`, and its calls fail while
 * `broken`.
 */
export function breakableKeyStore(inner: KeyStore): BreakableKeyStore {
  let gate: Promise<void> | undefined;
  let loads = 0;
  const answer = <T>(call: () => Promise<T>): Promise<T> => {
    const now = () => (store.broken ? Promise.reject(new Error('redis unreachable')) : call());
    return gate ? gate.then(now) : now();
  };
  const store: BreakableKeyStore = {
    broken: false,
    get loads() {
      return loads;
    },
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    load: () => {
      loads += 1;
      return answer(() => inner.load());
    },
    save: (set) => answer(() => inner.save(set)),
    update: inner.update && ((mutate) => answer(() => inner.update!(mutate))),
    watch: () => () => undefined,
  };
  return store;
}
