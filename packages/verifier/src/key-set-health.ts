/** Health of a component: `ok`; `stale` (serving, but its last refresh failed); `failing` (cannot serve). */
export type HealthState = 'ok' | 'stale' | 'failing';

/** A point-in-time view of a key set, for readiness and dashboards (see `RemoteKeySet.health()`). */
export interface KeySetHealth {
  /**
   * `ok`: keys loaded and the last fetch succeeded. `stale`: the last fetch failed, the last good keys are
   * still served (within `maxStaleMs`). `failing`: no key is served (never loaded, or stale past the bound).
   */
  readonly state: HealthState;
  /** Kids served now. */
  readonly kids: number;
  /** Milliseconds since the last successful fetch; `undefined` before the first. */
  readonly keyAgeMs: number | undefined;
  /** When the last successful fetch finished (ms since the epoch). */
  readonly lastSuccessAtMs: number | undefined;
  /** The latest fetch error while it is unresolved (cleared by a successful fetch). */
  readonly lastError: Error | undefined;
  /** When the next fetch is due (ms since the epoch): background refresh or next retry after backoff. */
  readonly nextRefreshAtMs: number | undefined;
  /** When the served keys stop being served if no fetch succeeds (ms since the epoch). */
  readonly staleAtMs: number | undefined;
  /** Consecutive failed fetches. */
  readonly consecutiveFailures: number;
}
