/** A point-in-time view of a denylist, for readiness probes (see `readinessHandler` of the verifier). */
export interface DenylistHealth {
  /**
   * `ok`: answering from current data. `stale`: answering, but unsure of being current (subscriber down or
   * sync failing, within `maxStalenessMs`; or past it with `failOpen`). `failing`: `check()` refuses (fails
   * closed): not loaded yet, unsure past `maxStalenessMs`, Redis unreachable in lookup mode, or closed.
   */
  readonly state: 'ok' | 'stale' | 'failing';
  readonly mode: 'memory' | 'mirror' | 'lookup';
  /** Lookup: ioredis status of the client. Mirror: `ready` while every stream reader is live, else `reconnecting` (`end` once closed). */
  readonly connection: string | undefined;
  /** Entries held (memory, mirror). */
  readonly size: number;
  /** Mirror: lag of the last revocation received by pub/sub (receipt minus write time, ms). */
  readonly lagMs: number | undefined;
  /** Mirror: how long it has been unsure of being current (ms), or undefined when current. */
  readonly unsureForMs: number | undefined;
  /** Mirror: its staleness bound, `maxStalenessMs`. */
  readonly maxStalenessMs: number | undefined;
  /** Mirror: when the last full sync finished (ms since the epoch). */
  readonly lastSyncAtMs: number | undefined;
  /** The latest failure while it is unresolved (a successful sync or lookup clears it). */
  readonly lastError: Error | undefined;
}
