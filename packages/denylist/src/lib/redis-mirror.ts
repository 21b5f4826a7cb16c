import { ownMember } from '@jwks-kit/core';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import type { RevocationClaims } from '../denylist.js';
import type { DenylistEvent, DenylistStats, SyncReason } from '../denylist-events.js';
import type { DenylistHealth } from '../denylist-health.js';
import { DenylistError } from '../errors.js';
import { decodeEntry, decodeStreamEntry } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { RevocationWriter } from './redis-writer.js';
import { claimsNamespace, type Revocation, type RevocationSettings } from './revocation-rules.js';
import { RevocationTable } from './revocation-table.js';
import { scanRevocations } from './scan-revocations.js';
import { StreamReader } from './stream-reader.js';
import { compareStreamIds, isBefore, streamIdAt } from './stream-ids.js';
import { withTimeout } from './with-timeout.js';

/** What the mirror needs, already validated. */
export interface MirrorConfig {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;
  readonly settings: RevocationSettings;
  readonly write: RevocationWriter;
  readonly maxStalenessMs: number;
  readonly failOpen: boolean;
  readonly checkIntervalMs: number;
  readonly readBlockMs: number;
  readonly stepTimeoutMs: number;
  readonly emit: (event: DenylistEvent) => void;
}

/** The in-process copy of every revocation, kept current by following the revocation streams. */
export interface Mirror {
  check(claims: RevocationClaims): boolean;
  /** Applies a revocation this process just wrote (read-your-writes before the stream delivers it). */
  apply(revocation: Revocation): void;
  /** Resolves once the initial load is done and every stream reader is live. */
  ready(): Promise<void>;
  stats(): DenylistStats;
  health(): DenylistHealth;
  close(): Promise<void>;
}

/** What the mirror knows of one issuer's stream. */
interface Followed {
  readonly reader: StreamReader;
  /** `n` of the last entry handled (or of the stream's tail at the first check), undefined before either. */
  lastN: number | undefined;
  /** Id of that entry. */
  seenId: string | undefined;
  /** Announced on the registry after the initial load (read from its first entry). */
  readonly lateJoin: boolean;
}

const WRITE_BACK_BATCH = 100;
/** Entries the sweeper visits per tick: about a millisecond of work. */
const SWEEP_VISITS = 20_000;
const SWEEP_INTERVAL_MS = 1000;
/**
 * A full load starts reading the streams this far before Redis's clock at its start: entries written during
 * the SCAN are replayed (harmless) even if a Cluster node's clock is behind the one asked.
 */
const LOAD_OVERLAP_MS = 60_000;

/**
 * Starts the mirror. The initial load SCANs every revocation in bounded chunks (yielding between them);
 * then one reader per issuer stream (plus one for the registry of streams), each on its own
 * `client.duplicate()` connection, applies every write as it is appended, and resumes from its last id
 * after a reconnect. A full load happens again only when a stream shows that entries were lost to the
 * mirror: its `n` jumps (trimmed past the mirror's position, an entry never received) or restarts
 * (Redis lost the stream: what the mirror knows is then written back). A check every `checkIntervalMs`
 * (one XREVRANGE per stream) catches a stream that was lost or rolled back while nothing was written.
 * While a reader is down or a load fails, the mirror is "unsure"; past `maxStalenessMs` of that,
 * `check()` fails closed.
 */
export function startMirror(config: MirrorConfig): Mirror {
  const { client, keys, settings, write, maxStalenessMs, failOpen, emit } = config;
  const { now } = settings;
  const table = new RevocationTable();
  const retryAfterSeconds = Math.max(1, Math.ceil(maxStalenessMs / 1000));
  const retryDelayMs = Math.min(config.checkIntervalMs, 500);
  const followed = new Map<string, Followed>();
  let registry: StreamReader | undefined;
  let registrySeenId: string | undefined;
  let closed = false;
  let synced = false;
  let unsureSince: number | undefined = now();
  let epoch = 0;
  let lastSyncAtMs: number | undefined;
  let lastLagMs: number | undefined;
  let syncs = 0;
  let failures = 0;
  let restored = 0;
  let gaps = 0;
  let checks = 0;
  let lastError: DenylistError | undefined;
  let running: Promise<void> | undefined;
  /** A load that writes back what Redis lost is running or queued. */
  let writingBack = false;
  let rerun: { reason: SyncReason; writeBack: boolean } | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  readyPromise.catch(() => undefined);

  const fail = (message: string, cause: unknown) => {
    failures++;
    lastError = new DenylistError('ERR_DENYLIST_UNAVAILABLE', message, { cause, retryAfterSeconds });
    emit({ type: 'error', error: lastError });
  };
  const markUnsure = () => {
    epoch++;
    unsureSince ??= now();
  };
  // A reader of a stream announced after the initial load has not been live yet: it reads that stream from
  // its first entry once connected, so it does not make the mirror unsure before then.
  const readersLive = () =>
    registry?.live === true && [...followed.values()].every((f) => f.reader.live || (f.lateJoin && !f.reader.wasLive));
  /** Stops the staleness clock; reports `current` when it ran (after the initial load, or after an outage). */
  const becomeCurrent = () => {
    const since = unsureSince;
    unsureSince = undefined;
    lastError = undefined;
    if (since !== undefined) emit({ type: 'current', unsureForMs: now() - since });
  };
  /** Current again (or for the first time: then `ready()` resolves) once loaded and every reader is live. */
  const maybeCurrent = () => {
    if (closed || !synced || retryTimer || writingBack || !readersLive()) return;
    becomeCurrent();
    resolveReady();
  };
  const step = <T>(promise: Promise<T>) =>
    withTimeout(
      promise,
      config.stepTimeoutMs,
      () => new Error(`Redis did not answer within ${config.stepTimeoutMs} ms`),
    );

  // ---- readers -------------------------------------------------------------------------------

  const newReader = (key: string, from: string, onEntry: (id: string, fields: readonly string[]) => void) => {
    // an XREAD in flight when the connection drops must fail, not be resent after the reconnect
    const connection = client.isCluster
      ? (client as Cluster).duplicate()
      : (client as Redis).duplicate({ autoResendUnfulfilledCommands: false });
    connection.on('error', () => undefined); // reported through the reader's failures
    return new StreamReader({
      connection,
      key,
      from,
      blockMs: config.readBlockMs,
      stepTimeoutMs: config.stepTimeoutMs,
      retryDelayMs,
      onEntry,
      afterReconnect: () => checkStream(key),
      onLiveChange: (live) => {
        if (live) maybeCurrent();
        else {
          markUnsure();
          emit({ type: 'disconnected' });
        }
      },
      onError: (cause) => fail(`the denylist mirror lost its reader of ${key}`, cause),
    });
  };

  const follow = (stream: string, from: string) => {
    if (closed || followed.has(stream)) return;
    const lateJoin = synced;
    const entry: Followed = {
      reader: newReader(stream, from, (id, fields) => onStreamEntry(entry, id, fields)),
      lastN: undefined,
      seenId: undefined,
      lateJoin,
    };
    followed.set(stream, entry);
    if (!lateJoin) markUnsure();
  };

  const onStreamEntry = (entry: Followed, id: string, fields: readonly string[]) => {
    const decoded = decodeStreamEntry(fields);
    if (!decoded) return;
    const expected = entry.lastN === undefined ? undefined : entry.lastN + 1;
    entry.lastN = decoded.n;
    entry.seenId = id;
    if (expected !== undefined && decoded.n !== expected) lost(decoded.n < expected ? 'reset' : 'gap');
    const parts = keys.parse(decoded.key);
    const revocation = parts && decodeEntry(parts, decoded.value);
    if (!revocation) return;
    const receivedAt = now();
    table.add(revocation, receivedAt);
    lastLagMs = receivedAt - decoded.sentAtMs;
    emit({ type: 'revocation', kind: revocation.kind, lagMs: lastLagMs, size: table.size });
  };

  /**
   * A stream showed that the mirror missed entries (`gap`) or that Redis lost them (`reset`, or found by a
   * check). After a gap the full load does not make the mirror unsure: it keeps applying the stream
   * meanwhile, entries trimmed by MINID were past their lifetime anyway, and the load restores the rest.
   * When Redis lost data the mirror is unsure until it has written back what it knew.
   */
  const lost = (kind: 'gap' | 'reset' | 'reconnect' | 'check') => {
    gaps++;
    if (kind !== 'gap') markUnsure();
    void sync(kind, kind !== 'gap');
  };

  /**
   * The consistency check of one stream (one XREVRANGE): its last entry must be the one the reader handled,
   * with the `n` the reader saw; a reader behind it is fine (the entry is on its way).
   */
  async function checkStream(stream: string, reason: 'reconnect' | 'check' = 'reconnect'): Promise<void> {
    const last = (await step(client.xrevrange(stream, '+', '-', 'COUNT', 1))) as [string, string[]][];
    if (stream === keys.registry) {
      // rolled back below the last announcement read: read it again from its start
      if (registrySeenId !== undefined && last[0] && isBefore(last[0][0], registrySeenId)) {
        registrySeenId = undefined;
        registry?.restartFrom('0-0');
      }
      return;
    }
    const entry = followed.get(stream);
    if (!entry) return;
    const [id, fields] = last[0] ?? [];
    const n = fields ? decodeStreamEntry(fields)?.n : undefined;
    if (id === undefined || n === undefined) {
      // the stream existed when the mirror started following it: Redis lost it
      entry.reader.restartFrom('0-0');
      entry.lastN = undefined;
      entry.seenId = undefined;
      lost(reason);
      return;
    }
    if (entry.lastN === undefined || entry.seenId === undefined) {
      // nothing read yet: the stream's tail, if the reader is past it, is the baseline
      if (compareStreamIds(id, entry.reader.position) <= 0) {
        entry.lastN = n;
        entry.seenId = id;
      }
      return;
    }
    const order = compareStreamIds(id, entry.seenId);
    if (order > 0) return; // the reader is behind: the entry is on its way
    if (order === 0 && n === entry.lastN) return;
    if (order < 0) {
      // rolled back (a failover to a replica that missed entries): read it again from its start
      entry.reader.restartFrom('0-0');
      entry.lastN = undefined;
      entry.seenId = undefined;
    }
    lost(reason);
  }

  const checkAll = async () => {
    if (closed || !synced || running) return; // a load in progress reads everything anyway
    try {
      for (const stream of [keys.registry, ...followed.keys()]) await checkStream(stream, 'check');
      checks++;
    } catch (cause) {
      fail('the denylist mirror could not check its streams', cause);
    }
  };

  // ---- full loads ----------------------------------------------------------------------------

  const writeBack = async (seen: ReadonlySet<string>): Promise<number> => {
    let batch: Revocation[] = [];
    let written = 0;
    let visited = 0;
    for (const revocation of table.entries(now())) {
      if (!seen.has(keys.key(revocation))) batch.push(revocation);
      if (batch.length === WRITE_BACK_BATCH) {
        await Promise.all(batch.map(write));
        written += batch.length;
        batch = [];
      }
      if (++visited % 5000 === 0) await yieldToEventLoop();
    }
    await Promise.all(batch.map(write));
    return written + batch.length;
  };

  const redisTimeMs = async (): Promise<number> => {
    const node: Redis = client.isCluster ? ((client as Cluster).nodes('master')[0] as Redis) : (client as Redis);
    const [seconds, micros] = await step(node.time());
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };

  const loadOnce = async (reason: SyncReason, withWriteBack: boolean): Promise<void> => {
    const startEpoch = epoch;
    const started = now();
    try {
      const from = streamIdAt((await redisTimeMs()) - LOAD_OVERLAP_MS);
      if (closed) return;
      registry ??= newReader(keys.registry, from, (id, fields) => {
        registrySeenId = id;
        if (fields[0] === 's' && typeof fields[1] === 'string' && keys.isStream(fields[1])) follow(fields[1], '0-0');
      });
      const seen = withWriteBack ? new Set<string>() : undefined;
      let loaded = 0;
      for await (const chunk of scanRevocations(client, keys, config.stepTimeoutMs)) {
        const loadedAt = now();
        for (const { key, revocation } of chunk.found) {
          seen?.add(key);
          table.add(revocation, loadedAt);
        }
        loaded += chunk.found.length;
        for (const stream of chunk.streams) follow(stream, from);
        if (closed) return;
      }
      const written = seen ? await writeBack(seen) : 0;
      restored += written;
      syncs++;
      lastSyncAtMs = now();
      synced = true;
      emit({ type: 'synced', reason, size: table.size, loaded, restored: written, durationMs: now() - started });
      if (epoch === startEpoch && readersLive()) becomeCurrent();
    } catch (cause) {
      markUnsure();
      fail(`the denylist mirror could not load from Redis (${reason})`, cause);
      scheduleRetry(withWriteBack);
    }
  };

  const sync = (reason: SyncReason, withWriteBack: boolean): Promise<void> => {
    if (closed) return Promise.resolve();
    if (withWriteBack) writingBack = true;
    if (running) {
      rerun = { reason, writeBack: withWriteBack || rerun?.writeBack === true };
      return running;
    }
    running = (async () => {
      let next: { reason: SyncReason; writeBack: boolean } | undefined = { reason, writeBack: withWriteBack };
      while (next && !closed) {
        rerun = undefined;
        await loadOnce(next.reason, next.writeBack);
        next = rerun;
      }
    })().finally(() => {
      running = undefined;
      writingBack = false;
      maybeCurrent();
    });
    return running;
  };

  function scheduleRetry(withWriteBack: boolean) {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void sync(synced ? 'retry' : 'initial', withWriteBack);
    }, retryDelayMs);
    retryTimer.unref();
  }

  void sync('initial', false);
  const checkTimer = setInterval(() => void checkAll(), config.checkIntervalMs);
  checkTimer.unref();
  const sweepTimer = setInterval(() => table.sweepSome(now(), SWEEP_VISITS), SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  /** The fail-closed rule: unsure, and either never loaded or unsure for longer than `maxStalenessMs`. */
  const pastStalenessBound = (nowMs: number) =>
    unsureSince !== undefined && (!synced || nowMs - unsureSince > maxStalenessMs);

  const unavailable = () =>
    new DenylistError(
      'ERR_DENYLIST_UNAVAILABLE',
      closed ? 'the denylist is closed' : 'the denylist mirror is not current: Redis unreachable past maxStalenessMs',
      { retryAfterSeconds },
    );

  return {
    check(claims) {
      const nowMs = now();
      if (closed) throw unavailable();
      if (unsureSince !== undefined && !failOpen && pastStalenessBound(nowMs)) throw unavailable();
      return table.isRevoked(claims, claimsNamespace(ownMember(claims, 'iss'), settings), nowMs);
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
      streams: followed.size,
      gaps,
      checks,
    }),
    health() {
      const nowMs = now();
      const unsureForMs = unsureSince === undefined ? undefined : nowMs - unsureSince;
      const refuses = closed || (!failOpen && pastStalenessBound(nowMs));
      return {
        state: refuses ? 'failing' : unsureForMs === undefined ? 'ok' : 'stale',
        mode: 'mirror',
        connection: closed ? 'end' : readersLive() ? 'ready' : 'reconnecting',
        size: table.size,
        lagMs: lastLagMs,
        unsureForMs,
        maxStalenessMs,
        lastSyncAtMs,
        lastError,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(checkTimer);
      clearInterval(sweepTimer);
      if (retryTimer) clearTimeout(retryTimer);
      rejectReady(unavailable());
      await Promise.all([registry, ...[...followed.values()].map((f) => f.reader)].map((r) => r?.close()));
      await running;
      table.clear();
    },
  };
}
