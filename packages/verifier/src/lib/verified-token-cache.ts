import { FrequencySketch } from './frequency-sketch.js';
import { SecondSightingFilter } from './second-sighting-filter.js';
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
 *
 * **Admission** ({@link admits}, asked for each verified token before it is stored): a token is never stored on
 * its first sighting ({@link SecondSightingFilter}: one-shot tokens cause no churn), and into a full cache only when it was seen more often
 * lately than the entry it would evict ({@link FrequencySketch}: hits and verifications, halved as they age). So a
 * flood of tokens that come back only after the cache would have evicted them, which a plain LRU turns into
 * entries that leave unhit, leaves the cache's content in place, and that content keeps serving hits; a token
 * used more often than what the cache holds still displaces it.
 */
export class VerifiedTokenCache<V> {
  readonly #slots = new Map<number, Slot<V>>();
  readonly #maxEntries: number;
  readonly #sketch: FrequencySketch;
  /** The doorkeeper: a first sighting only marks it, so a flood of one-shot tokens leaves the sketch's counts alone. */
  readonly #doorkeeper: SecondSightingFilter;
  /** Hits within this many insertions of the slot's stamp leave it in place. */
  readonly #recent: number;
  #clock = 0;

  /** @param maxEntries at least 1 */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
    this.#recent = maxEntries >>> 2;
    this.#sketch = new FrequencySketch(maxEntries);
    this.#doorkeeper = new SecondSightingFilter(maxEntries);
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
    this.#sketch.increment(key);
    if (this.#clock - slot.stamp > this.#recent) this.#touch(key, slot);
    return slot.value;
  }

  /**
   * Counts a sighting of `token` (verified, not found here) and answers whether to store it: not on its first
   * sighting; then yes while the cache has room or `token` already has a slot, else only when it was seen more
   * often lately than the least recently used entry, which storing it would evict. A refused token sends that
   * entry to the most recent end, so that each refusal weighs a different entry.
   */
  admits(token: string): boolean {
    const key = tokenFingerprint(token);
    if (!this.#doorkeeper.seenBefore(key)) return false;
    const frequency = this.#sketch.increment(key);
    if (this.#slots.size < this.#maxEntries || this.#slots.has(key)) return true;
    const victim = this.#slots.entries().next();
    if (victim.done === true || frequency > this.#sketch.frequency(victim.value[0])) return true;
    // The victim won: it goes to the most recent end, so the next candidate meets the next entry. Left at the
    // head, one entry whose counters collide with hot tokens would refuse every candidate, however stale it is.
    this.#touch(victim.value[0], victim.value[1]);
    return false;
  }

  /** Moves `slot` to the most recent end of the map. */
  #touch(key: number, slot: Slot<V>): void {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    slot.stamp = ++this.#clock;
  }

  /** Stores `value` for `token`, evicting the least recently used entry when full ({@link admits} decides whether to call it). */
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
