import { createEventListeners, refuseRenamedOptions } from '@jwks-kit/core';
import type { Cluster, Redis } from 'ioredis';
import type { Denylist, RevocationClaims } from './denylist.js';
import type { DenylistEvent, DenylistEvents, DenylistStats } from './denylist-events.js';
import type { DenylistHealth } from './denylist-health.js';
import { createRedisKeys } from './lib/redis-keys.js';
import { createLookupCheck } from './lib/redis-lookup.js';
import { startMirror } from './lib/redis-mirror.js';
import { createRevocationWriter } from './lib/redis-writer.js';
import {
  planJtiRevocation,
  planSessionRevocation,
  planSubjectRevocation,
  resolveRevocationSettings,
  type Revocation,
} from './lib/revocation-rules.js';
import { optionalBoolean, optionalLogger, optionalNumber } from './lib/validate-options.js';
import { denylistTelemetry } from './lib/denylist-telemetry.js';
import type { DenylistLogger } from './denylist-logger.js';
import { DenylistError } from './errors.js';

/** Options of {@link createRedisDenylist}. */
export type RedisDenylistOptions = Readonly<{
  /** The `iss` of the tokens: the namespace used when `revoke`/`revokeSubject` get no issuer and claims carry no `iss`. Part of every key. */
  issuer: string;
  /**
   * `mirror`: an in-process copy kept current by the revocation streams, `check()` is synchronous and costs no
   * Redis round trip. `lookup`: one MGET per `check()` (a promise), bounded by `lookupTimeoutMs`.
   * @default 'mirror'
   */
  mode?: 'mirror' | 'lookup';
  /** Prefix of every key and stream; must not contain `{` or `}`. @default 'jwks-kit:denylist:' */
  keyPrefix?: string;
  /** Seconds a jti revocation outlives `exp` (match the verifier's clock leeway or exceed it). @default 60 */
  leewaySeconds?: number;
  /**
   * Longest access-token lifetime the issuer grants. A subject revocation is kept this long (plus
   * leeway) after `at`; an `exp` further ahead is refused as absurd. @default 86400
   */
  maxTokenLifetimeSeconds?: number;
  /** Mirror: how long it may answer while unsure (a stream reader down, a load failing) before `check()` fails closed. @default 5000 */
  maxStalenessMs?: number;
  /**
   * Answer "not revoked" (mirror: from the last known entries) instead of throwing
   * `ERR_DENYLIST_UNAVAILABLE` when Redis is unreachable. A revoked token then passes during an
   * outage: only for services that accept that risk. @default false
   */
  failOpen?: boolean;
  /**
   * Mirror: period of the consistency check (one XREVRANGE per stream: the last entry and its number must
   * be what the mirror read). A mismatch triggers a full load; there is no periodic full load. @default 60000
   */
  checkIntervalMs?: number;
  /** Mirror: XREAD BLOCK time of each stream reader; an idle reader sends one XREAD per period. @default 10000 */
  readBlockMs?: number;
  /** Lookup: bound of one `check()` round trip. @default 250 */
  lookupTimeoutMs?: number;
  /** Bound of one write (and of each SCAN step); past it the write rejects with `ERR_REVOCATION_FAILED`. @default 2000 */
  writeTimeoutMs?: number;
  /**
   * Replicas that must hold each revocation before `revoke*()` resolves: the write is followed by `WAIT n
   * writeTimeoutMs` on the same connection, and fewer acknowledgements reject with `ERR_REVOCATION_FAILED`
   * (retry: revocations are idempotent). With Sentinel, 1 means an acknowledged revocation survives the
   * primary's death. Costs one replication round trip per write. Standalone or Sentinel clients only
   * (a Cluster client is a TypeError). @default 0
   */
  waitForReplicas?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** pino/bunyan-shaped logger: mirror disconnects, recoveries, and failing closed, once per change. @default silent */
  logger?: DenylistLogger;
}>;

/** A Redis-backed denylist; `check()` is synchronous in mirror mode and a promise in lookup mode. */
export interface RedisDenylist extends Denylist {
  readonly mode: 'mirror' | 'lookup';
  check(claims: RevocationClaims): boolean | Promise<boolean>;
  /** Mirror: resolves after the initial load (rejects if closed first). Lookup: resolves at once. */
  ready(): Promise<void>;
  /** Size, sync and failure counters, for metrics. */
  stats(): DenylistStats;
  /** Mirror: lag, connection, time unsure vs `maxStalenessMs`; lookup: connection and the latest failure. */
  health(): DenylistHealth;
  /**
   * Calls `listener` with each sync, revocation, disconnection or error event of `type` (for metrics and logs);
   * answers the unsubscribe function. Subscribe right after creation to see the initial `synced`. A throwing
   * listener is ignored: it never breaks revocation.
   */
  on<T extends DenylistEvent['type']>(type: T, listener: (...args: DenylistEvents[T]) => void): () => void;
}

/**
 * Creates a denylist stored in Redis ≥ 6.2 (standalone or Cluster). Writes are one Lua script that stores
 * with a PX computed from exp and appends the revocation to the issuer's stream. The client is the caller's:
 * it is never closed here; mirror mode makes its stream readers' connections with `client.duplicate()`. Give a client
 * with `enableOfflineQueue: false` so that commands fail at once while disconnected; every command
 * is bounded by a timeout anyway.
 */
export function createRedisDenylist(client: Redis | Cluster, options: RedisDenylistOptions): RedisDenylist {
  if (client === null || typeof client !== 'object' || typeof client.defineCommand !== 'function') {
    throw new TypeError('client must be an ioredis Redis or Cluster instance');
  }
  const settings = resolveRevocationSettings(options);
  const mode = options.mode ?? 'mirror';
  if (mode !== 'mirror' && mode !== 'lookup') throw new TypeError("option `mode` must be 'mirror' or 'lookup'");
  const keyPrefix = options.keyPrefix ?? 'jwks-kit:denylist:';
  if (typeof keyPrefix !== 'string' || keyPrefix.length > 256 || /[{}]/.test(keyPrefix)) {
    throw new TypeError('option `keyPrefix` must be a string of at most 256 characters without { or }');
  }
  const maxStalenessMs = optionalNumber('maxStalenessMs', options.maxStalenessMs, 5000, 0);
  const failOpen = optionalBoolean('failOpen', options.failOpen, false);
  const checkIntervalMs = optionalNumber('checkIntervalMs', options.checkIntervalMs, 60_000, 10, 2_147_483_647);
  const readBlockMs = optionalNumber('readBlockMs', options.readBlockMs, 10_000, 10, 600_000);
  const lookupTimeoutMs = optionalNumber('lookupTimeoutMs', options.lookupTimeoutMs, 250, 1, 2_147_483_647);
  const writeTimeoutMs = optionalNumber('writeTimeoutMs', options.writeTimeoutMs, 2000, 1, 2_147_483_647);
  const waitForReplicas = optionalNumber('waitForReplicas', options.waitForReplicas, 0, 0, 100);
  if (!Number.isInteger(waitForReplicas)) throw new TypeError('option `waitForReplicas` must be an integer');
  if (waitForReplicas > 0 && (client as Cluster).isCluster)
    throw new TypeError('option `waitForReplicas` needs a standalone or Sentinel client (WAIT is per connection)');
  refuseRenamedOptions(options, { onEvent: '`denylist.on(type, listener)` on the created denylist' });
  const telemetry = denylistTelemetry(optionalLogger(options.logger));
  // A throwing listener must not break revocation.
  const events = createEventListeners<DenylistEvents>(() => undefined);
  const emit = (event: DenylistEvent) => {
    telemetry.event(event);
    events.emit(event.type, event as never);
  };

  const keys = createRedisKeys(keyPrefix);
  const write = createRevocationWriter({
    client,
    keys,
    now: settings.now,
    writeTimeoutMs,
    // past this every revocation an entry carries has expired: `at` (at most one lifetime ahead) + lifetime + leeway
    streamRetentionMs: (2 * settings.maxTokenLifetimeSeconds + settings.leewaySeconds) * 1000,
    waitForReplicas,
  });
  let closed = false;

  const base = {
    mode,
    on: <T extends DenylistEvent['type']>(type: T, listener: (...args: DenylistEvents[T]) => void) =>
      events.on(type, listener),
    async revoke(jti: string, exp: number, issuer?: string) {
      await store(planJtiRevocation(settings, jti, exp, issuer));
    },
    async revokeSubject(sub: string, at?: number, issuer?: string) {
      await store(planSubjectRevocation(settings, sub, at, issuer));
    },
    async revokeSession(sid: string, before?: number, issuer?: string) {
      await store(planSessionRevocation(settings, sid, before, issuer));
    },
  };

  if (mode === 'lookup') {
    let failures = 0;
    let lastError: DenylistError | undefined;
    const check = createLookupCheck({
      client,
      keys,
      settings,
      lookupTimeoutMs,
      failOpen,
      emit,
      onFailure: (error) => {
        failures++;
        lastError = error;
      },
      onSuccess: () => {
        lastError = undefined;
      },
    });
    // A failure stays until a lookup succeeds; a service reported not ready may get no request to make one, so
    // health() on a ready client sends one PING (at most one in flight) whose answer resolves it for the next probe.
    let probing = false;
    const probe = () => {
      if (probing) return;
      probing = true;
      const timer = setTimeout(() => (probing = false), lookupTimeoutMs);
      client
        .ping()
        .then(
          () => (lastError = undefined),
          () => undefined,
        )
        .finally(() => {
          clearTimeout(timer);
          probing = false;
        });
    };
    return {
      ...base,
      check: telemetry.check((claims) => {
        if (closed)
          return Promise.reject(
            new DenylistError('ERR_DENYLIST_UNAVAILABLE', 'the denylist is closed', { retryAfterSeconds: 1 }),
          );
        return check(claims);
      }),
      ready: async () => {},
      stats: () => ({
        mode,
        size: 0,
        synced: true,
        unsureSinceMs: undefined,
        lastSyncAtMs: undefined,
        syncs: 0,
        failures,
        restored: 0,
        lastLagMs: undefined,
        streams: 0,
        gaps: 0,
        checks: 0,
      }),
      health: () => {
        if (!closed && lastError !== undefined && client.status === 'ready') probe();
        const down = closed || client.status !== 'ready' || lastError !== undefined;
        return {
          state: down ? (failOpen && !closed ? 'stale' : 'failing') : 'ok',
          mode,
          connection: client.status,
          size: 0,
          lagMs: undefined,
          unsureForMs: undefined,
          maxStalenessMs: undefined,
          lastSyncAtMs: undefined,
          lastError,
        };
      },
      async close() {
        closed = true;
      },
    };
  }

  const mirror = startMirror({
    client,
    keys,
    settings,
    write,
    maxStalenessMs,
    failOpen,
    checkIntervalMs,
    readBlockMs,
    stepTimeoutMs: writeTimeoutMs,
    emit,
  });
  return {
    ...base,
    check: telemetry.check((claims) => mirror.check(claims)),
    ready: () => mirror.ready(),
    stats: () => mirror.stats(),
    health: () => mirror.health(),
    async close() {
      closed = true;
      await mirror.close();
    },
  };

  async function store(revocation: Revocation | undefined): Promise<void> {
    if (closed)
      throw new DenylistError('ERR_REVOCATION_FAILED', 'the denylist is closed; the revocation did not take effect');
    if (!revocation) return;
    await write(revocation);
    telemetry.revoked(revocation.kind);
    if (mode === 'mirror') mirror.apply(revocation);
  }
}
