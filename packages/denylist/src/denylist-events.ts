import type { DenylistError } from './errors.js';

/**
 * Why a mirror (re)loaded everything from Redis (SCAN): `initial` at start; `gap` when a stream's entry
 * numbers jumped (entries trimmed past the mirror's position, or one it never got); `reset` when they
 * restarted (Redis lost the stream); `reconnect` or `check` when the check after a reconnect or the periodic
 * check found the stream lost or rolled back; `retry` after a failed load. Never periodically.
 */
export type SyncReason = 'initial' | 'gap' | 'reset' | 'reconnect' | 'check' | 'retry';

/** What a Redis denylist reports through `on(type, listener)`: feed these to metrics and logs. */
export type DenylistEvent =
  /** The mirror loaded every entry from Redis (SCAN) and wrote back `restored` entries Redis had lost (`reset`, `reconnect`, `check`). */
  | {
      readonly type: 'synced';
      readonly reason: SyncReason;
      readonly size: number;
      readonly loaded: number;
      readonly restored: number;
      readonly durationMs: number;
    }
  /** The mirror applied a revocation read from a stream; `lagMs` is receipt time minus write time. */
  | {
      readonly type: 'revocation';
      readonly kind: 'jti' | 'subject' | 'session';
      readonly lagMs: number;
      readonly size: number;
    }
  /** A stream reader of the mirror is not connected: the staleness clock runs from now. */
  | { readonly type: 'disconnected' }
  /**
   * The mirror is current: loaded and every stream reader live, after its initial load or again after being
   * unsure (`unsureForMs`: how long it was; the staleness clock stopped). A reconnect that finds the streams
   * intact needs no full load, so this, not `synced`, is the end of an outage.
   */
  | { readonly type: 'current'; readonly unsureForMs: number }
  /** A sync, subscription or connection failed (the mirror retries by itself). */
  | { readonly type: 'error'; readonly error: DenylistError };

/** What `RedisDenylist.on` takes: each event type with its listener's argument. */
export type DenylistEvents = { readonly [T in DenylistEvent['type']]: [event: Extract<DenylistEvent, { type: T }>] };

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
  /** Successful full loads (SCAN) so far, the initial one included. */
  readonly syncs: number;
  /** Failed loads, reads, checks and lookups so far. */
  readonly failures: number;
  /** Entries written back to Redis after it had lost them. */
  readonly restored: number;
  /** Lag of the last revocation read from a stream (ms), or undefined. */
  readonly lastLagMs: number | undefined;
  /** Revocation streams (issuers) the mirror follows (0 in lookup mode). */
  readonly streams: number;
  /** Times a stream showed entries lost to the mirror (trimmed past its position, missed, Redis lost them): each caused a full load. */
  readonly gaps: number;
  /** Periodic consistency checks passed. */
  readonly checks: number;
}
