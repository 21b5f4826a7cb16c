/** A point-in-time view of a refresh-token store, for readiness probes. */
export interface RefreshStoreHealth {
  /** `ok`: the store answers. `failing`: its connection is down or its latest command failed (refreshes get 503). */
  readonly state: 'ok' | 'failing';
  readonly kind: 'memory' | 'redis';
  /** ioredis status of the client (Redis store). */
  readonly connection: string | undefined;
  /** The latest failed command's error while no command has succeeded since. */
  readonly lastError: Error | undefined;
}
