import type { Cluster, Redis } from 'ioredis';
import type { RevocationClaims } from '../denylist.js';
import type { DenylistEvent, DenylistStats, SyncReason } from '../denylist-events.js';
import { DenylistError } from '../errors.js';
import { decodeEntry, decodeMessage } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { RevocationWriter } from './redis-writer.js';
import { claimsNamespace, type Revocation, type RevocationSettings } from './revocation-rules.js';
import { RevocationTable } from './revocation-table.js';
import { scanRevocations } from './scan-revocations.js';

/** What the mirror needs, already validated. */
export interface MirrorConfig {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;
  readonly settings: RevocationSettings;
  readonly write: RevocationWriter;
  readonly maxStalenessMs: number;
  readonly failOpen: boolean;
  readonly resyncIntervalMs: number;
  readonly stepTimeoutMs: number;
  readonly emit: (event: DenylistEvent) => void;
}

/** The in-process copy of every revocation, kept current by pub/sub and periodic SCAN. */
export interface Mirror {
  check(claims: RevocationClaims): boolean;
  /** Applies a revocation this process just wrote (read-your-writes before pub/sub echoes it). */
  apply(revocation: Revocation): void;
  ready(): Promise<void>;
  stats(): DenylistStats;
  close(): Promise<void>;
}

const WRITE_BACK_BATCH = 100;

/**
 * Starts the mirror: a subscriber connection made with `client.duplicate()` (ours to close), an
 * initial SCAN load, a resync every `resyncIntervalMs` and after every reconnect. After a
 * (re)connect, entries the mirror holds but Redis lacks (a restarted Redis without persistence)
 * are written back, so no revocation any mirror knew is lost. While the subscriber is down or a
 * sync fails, the mirror is "unsure"; past `maxStalenessMs` of that, `check()` fails closed.
 */
export function startMirror(config: MirrorConfig): Mirror {
  const { client, keys, settings, write, maxStalenessMs, failOpen, emit } = config;
  const { now } = settings;
  const table = new RevocationTable();
  const retryAfterSeconds = Math.max(1, Math.ceil(maxStalenessMs / 1000));
  const retryDelayMs = Math.min(config.resyncIntervalMs, 500);
  let closed = false;
  let synced = false;
  let subscribed = false;
  let unsureSince: number | undefined = now();
  let epoch = 0;
  let lastSyncAtMs: number | undefined;
  let lastLagMs: number | undefined;
  let syncs = 0;
  let failures = 0;
  let restored = 0;
  let running: Promise<void> | undefined;
  let rerun: SyncReason | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  readyPromise.catch(() => undefined);

  const fail = (code: 'ERR_DENYLIST_UNAVAILABLE', message: string, cause: unknown) => {
    failures++;
    emit({ type: 'error', error: new DenylistError(code, message, { cause, retryAfterSeconds }) });
  };
  const markUnsure = () => {
    epoch++;
    unsureSince ??= now();
  };

  const writeBack = async (seen: ReadonlySet<string>): Promise<number> => {
    const missing: Revocation[] = [];
    for (const revocation of table.entries(now())) if (!seen.has(keys.key(revocation))) missing.push(revocation);
    for (let i = 0; i < missing.length; i += WRITE_BACK_BATCH)
      await Promise.all(missing.slice(i, i + WRITE_BACK_BATCH).map(write));
    return missing.length;
  };

  const syncOnce = async (reason: SyncReason): Promise<void> => {
    const startEpoch = epoch;
    const started = now();
    try {
      const found = await scanRevocations(client, keys, config.stepTimeoutMs);
      const loadedAt = now();
      const seen = new Set<string>();
      for (const { key, revocation } of found) {
        seen.add(key);
        table.add(revocation, loadedAt);
      }
      table.sweep(loadedAt);
      const written = await writeBack(seen);
      restored += written;
      syncs++;
      lastSyncAtMs = now();
      if (subscribed && epoch === startEpoch) unsureSince = undefined;
      if (!synced) {
        synced = true;
        resolveReady();
      }
      emit({
        type: 'synced',
        reason,
        size: table.size,
        loaded: found.length,
        restored: written,
        durationMs: now() - started,
      });
    } catch (cause) {
      markUnsure();
      fail('ERR_DENYLIST_UNAVAILABLE', `the denylist mirror could not sync from Redis (${reason})`, cause);
      scheduleRetry();
    }
  };

  const sync = (reason: SyncReason): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      rerun = reason;
      return running;
    }
    running = (async () => {
      let next: SyncReason | undefined = reason;
      while (next && !closed) {
        rerun = undefined;
        await syncOnce(next);
        next = rerun;
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  function scheduleRetry() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void sync('retry');
    }, retryDelayMs);
    retryTimer.unref();
  }

  const subscriber = client.duplicate();
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.channel) return;
    const decoded = decodeMessage(message);
    const parts = decoded && keys.parse(decoded.key);
    const revocation = parts && decodeEntry(parts, decoded.value);
    if (!decoded || !revocation) return;
    const receivedAt = now();
    table.add(revocation, receivedAt);
    lastLagMs = receivedAt - decoded.sentAtMs;
    emit({ type: 'revocation', kind: revocation.kind, lagMs: lastLagMs, size: table.size });
  });
  const onConnectionLost = () => {
    if (closed) return;
    const wasSubscribed = subscribed;
    subscribed = false;
    markUnsure();
    if (wasSubscribed) emit({ type: 'disconnected' });
  };
  subscriber.on('close', onConnectionLost);
  subscriber.on('end', onConnectionLost);
  subscriber.on('reconnecting', onConnectionLost);
  subscriber.on('error', (cause: unknown) => {
    if (!closed) fail('ERR_DENYLIST_UNAVAILABLE', 'the denylist mirror lost its Redis subscription', cause);
  });
  subscriber.on('ready', () => {
    void (async () => {
      try {
        await subscriber.subscribe(keys.channel);
      } catch (cause) {
        fail('ERR_DENYLIST_UNAVAILABLE', 'the denylist mirror could not subscribe', cause);
        return;
      }
      if (closed) return;
      subscribed = true;
      await sync(synced ? 'reconnect' : 'initial');
    })();
  });
  if (subscriber.status === 'wait') {
    subscriber
      .connect()
      .catch((cause: unknown) => fail('ERR_DENYLIST_UNAVAILABLE', 'the denylist mirror could not connect', cause));
  }

  const interval = setInterval(() => void sync('interval'), config.resyncIntervalMs);
  interval.unref();

  const unavailable = () =>
    new DenylistError(
      'ERR_DENYLIST_UNAVAILABLE',
      closed ? 'the denylist is closed' : 'the denylist mirror is not current: Redis unreachable past maxStalenessMs',
      {
        retryAfterSeconds,
      },
    );

  return {
    check(claims) {
      const nowMs = now();
      if (closed) throw unavailable();
      if (unsureSince !== undefined && !failOpen && (!synced || nowMs - unsureSince > maxStalenessMs))
        throw unavailable();
      return table.isRevoked(claims, claimsNamespace(claims.iss, settings), nowMs);
    },
    apply(revocation) {
      table.add(revocation, now());
    },
    ready: () => readyPromise,
    stats: () => ({
      mode: 'mirror',
      size: table.size,
      synced,
      unsureSinceMs: unsureSince,
      lastSyncAtMs,
      syncs,
      failures,
      restored,
      lastLagMs,
    }),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(interval);
      if (retryTimer) clearTimeout(retryTimer);
      rejectReady(unavailable());
      subscriber.disconnect();
      await running;
      table.clear();
    },
  };
}
