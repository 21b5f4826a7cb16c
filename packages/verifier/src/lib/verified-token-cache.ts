/**
 * A bounded least-recently-used map from the exact token string to what its verification
 * produced. A `Map` keeps insertion order, so a hit re-inserts the entry at the end and an
 * overflow evicts the first key. Validity (exp, nbf, key still published) is the caller's check.
 */
export class VerifiedTokenCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;

  /** @param maxEntries at least 1 */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `token`, marked most recently used; `undefined` when absent. */
  get(token: string): V | undefined {
    const value = this.#entries.get(token);
    if (value !== undefined) {
      this.#entries.delete(token);
      this.#entries.set(token, value);
    }
    return value;
  }

  /** Stores `value` for `token`, evicting the least recently used entry when full. */
  set(token: string, value: V): void {
    this.#entries.delete(token);
    this.#entries.set(token, value);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Drops the entry for `token`. */
  delete(token: string): void {
    this.#entries.delete(token);
  }

  /** Drops every entry for which `predicate` answers true (used when a key leaves the JWKS). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [token, value] of this.#entries) if (predicate(value)) this.#entries.delete(token);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
