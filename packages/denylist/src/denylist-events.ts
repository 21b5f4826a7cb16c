import type { DenylistError } from './errors.js';

/** Why a mirror (re)loaded from Redis. */
export type SyncReason = 'initial' | 'interval' | 'reconnect' | 'retry';

/** What a Redis denylist reports through `onEvent`: feed these to metrics and logs. */
export type DenylistEvent =
  /** The mirror loaded every entry from Redis (SCAN) and wrote back `restored` entries Redis had lost. */
  | {
      readonly type: 'synced';
      readonly reason: SyncReason;
      readonly size: number;
      readonly loaded: number;
      readonly restored: number;
      readonly durationMs: number;
    }
  /** The mirror applied a revocation received by pub/sub; `lagMs` is receipt time minus write time. */
  | {
      readonly type: 'revocation';
      readonly kind: 'jti' | 'subject' | 'session';
      readonly lagMs: number;
      readonly size: number;
    }
  /** The mirror's subscriber connection dropped: the staleness clock runs from now. */
  | { readonly type: 'disconnected' }
  /** A sync, subscription or connection failed (the mirror retries by itself). */
  | { readonly type: 'error'; readonly error: DenylistError };

/** A point-in-time view of a Redis denylist, for metrics. */
export interface DenylistStats {
  readonly mode: 'mirror' | 'lookup';
  /** Entries in the mirror (0 in lookup mode). */
  readonly size: number;
  /** True once the mirror's initial load finished (always true in lookup mode). */
  readonly synced: boolean;
  /** Since when (ms) the mirror is unsure of being current, or undefined when it is current. */
  readonly unsureSinceMs: number | undefined;
  /** When the last successful sync finished (ms), or undefined. */
  readonly lastSyncAtMs: number | undefined;
  /** Successful syncs so far. */
  readonly syncs: number;
  /** Failed syncs, subscriptions and lookups so far. */
  readonly failures: number;
  /** Entries written back to Redis after it had lost them. */
  readonly restored: number;
  /** Lag of the last revocation received by pub/sub (ms), or undefined. */
  readonly lastLagMs: number | undefined;
}
