/** The Redis names of one shared key ring; every key carries the same hash tag (one Cluster slot). */
export interface KeyRingRedisKeys {
  /** Hash: `version`, `public` (JSON of public JWKs with states and times), `sealed:<kid>` per key. */
  readonly ring: string;
  /** Pub/sub channel announcing each new version. */
  readonly channel: string;
}

/** The one place key-store key names come from (`keyPrefix` validated by the caller: no `{` or `}`). */
export function createKeyRingRedisKeys(keyPrefix: string): KeyRingRedisKeys {
  return { ring: `${keyPrefix}{ring}:keys`, channel: `${keyPrefix}{ring}:changed` };
}
