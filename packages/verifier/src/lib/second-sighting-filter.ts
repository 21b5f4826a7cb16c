/**
 * First stage of the verified-token cache's admission (its doorkeeper): a token is cached from its second verification on.
 * Tokens seen once (a client that fetches a fresh token per call, or a flood of distinct tokens)
 * then never enter the LRU, so they cause no eviction churn and no old-generation garbage; a token
 * that is reused is verified twice instead of once before it is served from the cache.
 *
 * A fixed `Int32Array` of fingerprints of the signature's last characters: no allocation, and no
 * token is retained. Each fingerprint has two candidate slots and takes the second when another holds the first,
 * so two reused tokens that share one slot do not erase each other's mark forever. A lost slot only delays
 * admission and a colliding fingerprint only admits early; the cache itself stays keyed by the exact token
 * string. Only verified tokens are offered.
 */
export class SecondSightingFilter {
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** @param capacity the cache size it guards; the filter keeps at least four times as many slots (a power of two, at least 1,024). */
  constructor(capacity: number) {
    let size = 1024;
    while (size < capacity * 4) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
  }

  /** True when the token of `fingerprint` (its `tokenFingerprint`) was offered before (probably); otherwise remembers it and answers false. */
  seenBefore(fingerprint: number): boolean {
    const slots = this.#slots;
    const first = (fingerprint >>> 7) & this.#mask;
    const second = (Math.imul(fingerprint, 0x85ebca6b) >>> 11) & this.#mask;
    if (slots[first] === fingerprint || slots[second] === fingerprint) return true;
    if (slots[first] === 0) slots[first] = fingerprint;
    else slots[second] = fingerprint;
    return false;
  }
}
