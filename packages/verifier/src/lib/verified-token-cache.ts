/** Characters of the token's end the map is keyed by: 43 base64url characters, 32 bytes of signature. */
const TAIL_LENGTH = 43;

interface Slot<V> {
  readonly token: string;
  readonly value: V;
}

/**
 * A bounded least-recently-used map from the exact token string to what its verification
 * produced. A `Map` keeps insertion order, so a hit re-inserts the entry at the end and an
 * overflow evicts the first key. Validity (exp, nbf, key still published) is the caller's check.
 *
 * The map is keyed by the token's last 43 characters (its signature's last 32 bytes) and each slot
 * holds the whole token, compared exactly on every hit: a lookup hashes 43 characters instead of the
 * whole 500–800-character token (each request's token is a fresh string, so V8 hashes it anew), and two
 * tokens that share a tail only take each other's slot (a miss), never each other's result.
 */
export class VerifiedTokenCache<V> {
  readonly #slots = new Map<string, Slot<V>>();
  readonly #maxEntries: number;

  /** @param maxEntries at least 1 */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#slots.size;
  }

  /** The entry for exactly `token`, marked most recently used; `undefined` when absent. */
  get(token: string): V | undefined {
    const tail = tailOf(token);
    const slot = this.#slots.get(tail);
    if (slot === undefined || slot.token !== token) return undefined;
    this.#slots.delete(tail);
    this.#slots.set(tail, slot);
    return slot.value;
  }

  /** Stores `value` for `token`, evicting the least recently used entry when full. */
  set(token: string, value: V): void {
    const tail = tailOf(token);
    this.#slots.delete(tail);
    this.#slots.set(tail, { token, value });
    if (this.#slots.size > this.#maxEntries) {
      const oldest = this.#slots.keys().next();
      if (!oldest.done) this.#slots.delete(oldest.value);
    }
  }

  /** Drops the entry for `token`. */
  delete(token: string): void {
    const tail = tailOf(token);
    if (this.#slots.get(tail)?.token === token) this.#slots.delete(tail);
  }

  /** Drops every entry for which `predicate` answers true (used when a key leaves the JWKS). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [tail, slot] of this.#slots) if (predicate(slot.value)) this.#slots.delete(tail);
  }

  /** Drops every entry. */
  clear(): void {
    this.#slots.clear();
  }
}

function tailOf(token: string): string {
  return token.length <= TAIL_LENGTH ? token : token.slice(token.length - TAIL_LENGTH);
}
