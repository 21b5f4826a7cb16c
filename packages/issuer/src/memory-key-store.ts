import type { KeyStore, StoredKeySet } from './key-store.js';

/** A {@link KeyStore} that keeps the key set in this process only (tests, single-process issuers). */
export function createMemoryKeyStore(): KeyStore {
  let stored: StoredKeySet | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const copy = (set: StoredKeySet | undefined) => (set === undefined ? undefined : structuredClone(set));
  return {
    async load() {
      return copy(stored);
    },
    async save(set) {
      stored = copy(set);
    },
    update(mutate) {
      const run = queue.then(async () => {
        const next = await mutate(copy(stored));
        if (next !== undefined) stored = copy(next);
        return copy(stored);
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
