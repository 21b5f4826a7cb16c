/** Highest count a counter holds. */
const MAX_COUNT = 15;

/**
 * How often each token fingerprint was seen lately, approximately: a count-min sketch of two probes into one
 * `Uint8Array` of saturating counters, all halved every `10 × capacity` sightings so that counts follow the
 * recent past (the TinyLFU frequency sketch of Einziger, Friedman and Manes, as Caffeine keeps it). A collision
 * can only raise an estimate, never lower it; nothing is retained but counters, and nothing is allocated per call.
 */
export class FrequencySketch {
  readonly #counters: Uint8Array;
  readonly #mask: number;
  readonly #sampleSize: number;
  #sightings = 0;

  /**
   * @param capacity entries of the cache it serves: the sketch keeps at least sixteen counters (bytes) per entry, a
   * power of two and at least 1,024, so that an entry's two counters are rarely both shared with hotter tokens.
   */
  constructor(capacity: number) {
    let size = 1024;
    while (size < capacity * 16) size *= 2;
    this.#counters = new Uint8Array(size);
    this.#mask = size - 1;
    this.#sampleSize = Math.max(1024, capacity * 10);
  }

  /** Counts one sighting of `fingerprint` and answers its estimated count, this one included. */
  increment(fingerprint: number): number {
    const counters = this.#counters;
    const a = this.#first(fingerprint);
    const b = this.#second(fingerprint);
    if (counters[a]! < MAX_COUNT) counters[a]! += 1;
    if (counters[b]! < MAX_COUNT) counters[b]! += 1;
    if (++this.#sightings >= this.#sampleSize) this.#halve();
    return Math.min(counters[a]!, counters[b]!);
  }

  /** The estimated count of `fingerprint`. */
  frequency(fingerprint: number): number {
    return Math.min(this.#counters[this.#first(fingerprint)]!, this.#counters[this.#second(fingerprint)]!);
  }

  #first(fingerprint: number): number {
    return (fingerprint >>> 7) & this.#mask;
  }

  #second(fingerprint: number): number {
    return (Math.imul(fingerprint, 0x9e3779b1) >>> 13) & this.#mask;
  }

  /** Ageing: every count halves, so a token that stopped coming loses its weight. */
  #halve(): void {
    this.#sightings = 0;
    const counters = this.#counters;
    for (let i = 0; i < counters.length; i += 1) counters[i]! >>= 1;
  }
}
