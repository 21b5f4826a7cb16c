import { tokenFingerprint } from './token-fingerprint.js';

interface Slot<V> {
  readonly token: string;
  readonly value: V;
  /** Value of the insertion clock when the slot last went to the most recent end of the map. */
  stamp: number;
}

/**
 * A bounded least-recently-used map from the exact token string to what its verification
 * produced. A `Map` keeps insertion order, so a hit re-inserts the entry at the end and an
 * overflow evicts the first key. Validity (exp, nbf, key still published) is the caller's check.
 *
 * The map is keyed by the token's {@link tokenFingerprint} (its signature's last 8 characters, hashed to a
 * small integer) and each slot holds the whole token, compared exactly on every hit: a lookup hashes 8
 * characters instead of a long string key, and two tokens that share a fingerprint only take each other's
 * slot (a miss), never each other's result.
 *
 * A hit re-inserts its entry only when it is not already among the most recent quarter of insertions (a
 * `Map` delete and set cost more than the rest of a hit): such an entry has at least three quarters of the
 * capacity's insertions to go before it could be evicted, by when a further hit has moved it. So an entry
 * used again within the last quarter of the capacity's insertions is never the one evicted.
 */
export class VerifiedTokenCache<V> {
  readonly #slots = new Map<number, Slot<V>>();
  readonly #maxEntries: number;
  /** Hits within this many insertions of the slot's stamp leave it in place. */
  readonly #recent: number;
  #clock = 0;

  /** @param maxEntries at least 1 */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
    this.#recent = maxEntries >>> 2;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#slots.size;
  }

  /** The entry for exactly `token`, marked most recently used; `undefined` when absent. */
  get(token: string): V | undefined {
    const key = tokenFingerprint(token);
    const slot = this.#slots.get(key);
    if (slot === undefined || slot.token !== token) return undefined;
    if (this.#clock - slot.stamp > this.#recent) {
      this.#slots.delete(key);
      this.#slots.set(key, slot);
      slot.stamp = ++this.#clock;
    }
    return slot.value;
  }

  /** Stores `value` for `token`, evicting the least recently used entry when full. */
  set(token: string, value: V): void {
    const key = tokenFingerprint(token);
    this.#slots.delete(key);
    this.#slots.set(key, { token, value, stamp: ++this.#clock });
    if (this.#slots.size > this.#maxEntries) {
      const oldest = this.#slots.keys().next();
      if (!oldest.done) this.#slots.delete(oldest.value);
    }
  }

  /** Drops the entry for `token`. */
  delete(token: string): void {
    const key = tokenFingerprint(token);
    if (this.#slots.get(key)?.token === token) this.#slots.delete(key);
  }

  /** Drops every entry for which `predicate` answers true (used when a key leaves the JWKS). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, slot] of this.#slots) if (predicate(slot.value)) this.#slots.delete(key);
  }

  /** Drops every entry. */
  clear(): void {
    this.#slots.clear();
  }
}
