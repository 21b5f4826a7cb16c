import { createEventListeners, refuseRenamedOptions } from '@jwks-kit/core';
import { checkIssuerLogger, type IssuerLogger } from './lib/issuer-logger.js';
import { count } from './lib/issuer-telemetry.js';
import { keyTransitions } from './lib/key-transitions.js';
import { createPrivateKey } from 'node:crypto';
import { IssuerError } from './issuer-error.js';
import type { KeyState, KeyStore, StoredKeySet } from './key-store.js';
import { addKey, applyDueTransitions, missingKey, removeKey, rotateKeys, type KeyTiming } from './key-ring.js';
import { generateSigningKey } from './lib/generate-key.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './lib/signing-key-types.js';
import { toPublicJwk, type PublicJwk } from './public-jwk.js';
import type { PrivateSigningJwk } from './private-signing-jwk.js';
import { createLocalSigner, type Signer, type SigningAlgorithm } from './signer.js';

export type { PublicJwk } from './public-jwk.js';

const DAY_MS = 86_400_000;

/** Options of {@link createKeyRing}. */
export type KeyRingOptions = Readonly<{
  /** Where keys live (`createFileKeyStore()` to share keys between processes and restarts). */
  store: KeyStore;
  /**
   * The longest time any verifier may keep a JWKS copy (including stale copies). A next key is
   * published at least this long (plus `safetyMarginMs`) before it signs. Required.
   */
  maxJwksCacheAgeMs: number;
  /**
   * The longest access-token lifetime the issuer will sign. A retired key stays published this
   * long (plus `safetyMarginMs`) after its last signature. In seconds, as the tokens' `exp − iat`
   * (the verifier's and the denylist's option of the same name). Required.
   */
  maxTokenLifetimeSeconds: number;
  /**
   * Scheduled rotation period, counted from the active key's activation; `0` disables scheduled
   * rotation (retired keys are still removed on time). Must be 0 or at least
   * `maxJwksCacheAgeMs + safetyMarginMs`. Takes effect while the scheduler runs (`start()`).
   * @default 2592000000 (30 days)
   */
  rotationIntervalMs?: number;
  /**
   * Algorithm of the keys the ring generates: RS256 or PS256 (RSA), ES256 (P-256) or EdDSA
   * (Ed25519). Keys already in the store keep theirs, so changing it is a rotation: the next key
   * generated (after the next rotation, or at once with `rotate({ nextAlgorithm })`) has the new
   * algorithm and is published ahead like any next key; tokens of the old key verify until they expire.
   * @default 'RS256'
   */
  algorithm?: SigningAlgorithm;
  /** RSA modulus length of generated RS256 / PS256 keys. @default 2048 */
  modulusLength?: 2048 | 3072 | 4096;
  /**
   * Added to both windows: covers clock skew between hosts and replicas sharing a store that have
   * not re-read it yet. Over a shared store (one with `watch()`, e.g. Redis) it is also the staleness
   * bound: a ring that has not read the store for this long neither signs (`ERR_KEY_RING_STALE`) nor
   * serves its JWKS (503), since another replica may have rotated meanwhile. Must be at least
   * `2 * checkIntervalMs`. @default 300000 (5 minutes)
   */
  safetyMarginMs?: number;
  /**
   * Period of the scheduler started by `start()`: re-reads the store and applies due transitions.
   * Over a shared store it bounds how late a replica sees a change when the store's announcement
   * (pub/sub) is lost. @default 60000
   */
  checkIntervalMs?: number;
  /**
   * The longest time {@link KeyRing.whenFresh} (and so an access-token signature asked while a started ring is
   * stale) waits for the ring's re-read of the store before giving up; `0`: never wait. The signature is then
   * refused with `ERR_KEY_RING_STALE` as before, never later than this (plus the time to sign).
   * @default 500
   */
  freshWaitMs?: number;
  /** A key you bring (see `importPrivateKey()`), made the active key when the store is empty. */
  initialKey?: PrivateSigningJwk;
  /** pino/bunyan-shaped logger: each key transition (next → active → retired → removed) at info. @default silent */
  logger?: IssuerLogger;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}>;

/** What the key ring tells about a key: never private material. Times in ms since the epoch. */
export interface KeyInfo {
  readonly kid: string;
  /** The one algorithm the key signs (and verifies) with. */
  readonly alg: SigningAlgorithm;
  readonly state: KeyState;
  readonly createdAtMs: number;
  readonly activatesAtMs: number;
  readonly activatedAtMs?: number;
  readonly retiredAtMs?: number;
  readonly removeAtMs?: number;
}

/** A JWK Set holding only public members. */
export interface PublicJwks {
  readonly keys: readonly PublicJwk[];
}

/**
 * How current a key ring's view of its store is (readiness probes, dashboards). It has the shape of the
 * verifier's readiness `HealthSource` snapshot, so a ring can be a check of `readinessHandler()` as it is.
 */
export interface KeyRingHealth {
  /** `ok`: the ring signs and publishes. `failing`: not `fresh`, so it does neither (a service should not be ready). */
  readonly state: 'ok' | 'failing';
  /** The ring's {@link KeyRing.version}. */
  readonly version: number;
  /** When the store was last read or written successfully (ms since the epoch). */
  readonly syncedAtMs: number;
  /** False when the store is shared and `syncedAtMs` is older than `safetyMarginMs`: the ring neither signs nor publishes. */
  readonly fresh: boolean;
}

/** Options of {@link KeyRing.rotate}. */
export interface RotateOptions {
  /** Rotate even when the next key has not been published for `maxJwksCacheAgeMs` yet. @default false */
  readonly force?: boolean;
  /** Algorithm of the new next key generated by this rotation. @default options.algorithm of the ring */
  readonly nextAlgorithm?: SigningAlgorithm;
}

/** Signing keys (RS256, PS256, ES256, EdDSA) with their life cycle next → active → retired → removed, backed by a {@link KeyStore}. */
export interface KeyRing {
  readonly maxJwksCacheAgeMs: number;
  /** The longest access-token lifetime, seconds: the signer refuses a longer ttl. */
  readonly maxTokenLifetimeSeconds: number;
  /** `max-age` for the JWKS response: the verifiers' cache age, below the pre-publication window. */
  readonly jwksCacheMaxAgeSeconds: number;
  /** Increases whenever a key changes state, appears or leaves. */
  readonly version: number;
  /**
   * The active key's {@link Signer} (signing off the event loop). The object is the same for as
   * long as the same key is active; its private key never leaves the ring. Throws
   * `ERR_KEY_RING_STALE` while the view of a shared store is stale (see `health()`); a started ring then
   * re-reads the store at once, so that a retry signs as soon as the store answers again.
   */
  signingKey(): Signer;
  /**
   * Resolves `true` once the ring may sign (`fresh`). At once when it is fresh; while a started ring is stale, after
   * its re-read of the store (the one in flight, or one it starts) has settled, waiting at most `freshWaitMs`:
   * `false` when that read failed, did not answer in time, or left the ring stale. A ring never started, or
   * stopped, starts no read: `false` at once while stale. Never rejects. For async signing paths (the
   * access-token signer) so that a request arriving as the store comes back signs instead of answering 503;
   * `signingKey()` itself never waits.
   */
  whenFresh(): Promise<boolean>;
  /**
   * How current the ring's view of the store is; `fresh: false` (`state: 'failing'`) means no signing and no
   * JWKS. A started ring asked while stale re-reads the store at once (one read at a time): a readiness probe,
   * possibly its only caller while it is not ready, brings it back without waiting for the scheduler.
   */
  health(): KeyRingHealth;
  /** Every published key (next, active, retired), public members only, newest first. */
  publicJwks(): PublicJwks;
  /** Life-cycle information of every published key, newest first. */
  keys(): readonly KeyInfo[];
  /**
   * On-demand rotation away from the key this ring signs with; refuses with `ERR_NEXT_KEY_NOT_READY`
   * before the next key is ready unless forced. When another replica rotated away from that key
   * first (both triggered at once), this ring adopts the winner's ring instead of rotating again.
   */
  rotate(options?: RotateOptions): Promise<void>;
  /** Publishes a key you bring as the next key (replacing the generated next key). */
  addKey(key: PrivateSigningJwk): Promise<void>;
  /**
   * Replaces the next key with a fresh one of `alg` (a generated next key never signed, so it can
   * leave at once): the first step of an algorithm migration. It is published from now and signs
   * after a rotation, once published for the pre-publication window.
   */
  prepareNextKey(alg: SigningAlgorithm): Promise<void>;
  /**
   * Withdraws a retired (or next) key from the JWKS at once, e.g. a compromised key after
   * `rotate({ force: true })`; tokens it signed stop verifying once verifiers refresh.
   * Refuses the active key (`ERR_INVALID_KEY`) and unknown kids (`ERR_UNKNOWN_KEY`).
   */
  removeKey(kid: string): Promise<void>;
  /** Re-reads the store (after another process or the CLI changed it). */
  reload(): Promise<void>;
  /** Re-reads the store and applies the transitions due now (what the scheduler runs). */
  tick(): Promise<void>;
  /**
   * Starts the scheduler (an unref'd timer every `checkIntervalMs`) and, over a shared store, follows
   * its change announcements (`store.watch()`: a reload within milliseconds). Idempotent.
   */
  start(): void;
  /**
   * Stops the scheduler and the store subscription, and resolves once the operation in flight (a scheduled
   * tick writing the store, say) has finished: after it, nothing of the ring touches the store.
   */
  stop(): Promise<void>;
  /** Subscribes to changes of the published set; returns the unsubscribe function. A throwing listener is reported to error listeners. */
  on(event: 'change', listener: () => void): () => void;
  /** Subscribes to failures of scheduled ticks (the ring keeps its current keys and retries). */
  on(event: 'error', listener: (error: unknown) => void): () => void;
}

const MODULUS_LENGTHS = [2048, 3072, 4096];

/**
 * Creates a key ring over `options.store`. An empty store gets an active key (signing at once)
 * and a next key; a store written by another process is adopted as is. Validates options
 * (TypeError naming the option).
 */
export async function createKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { store } = options ?? {};
  if (typeof store?.load !== 'function' || typeof store.save !== 'function')
    throw new TypeError('option `store` must be a KeyStore');
  const maxJwksCacheAgeMs = positive(options.maxJwksCacheAgeMs, 'maxJwksCacheAgeMs');
  refuseRenamedOptions(options, { maxTokenLifetimeMs: '`maxTokenLifetimeSeconds` (seconds)' });
  const maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds;
  if (!Number.isInteger(maxTokenLifetimeSeconds) || maxTokenLifetimeSeconds <= 0)
    throw new TypeError('option `maxTokenLifetimeSeconds` must be a positive integer number of seconds');
  const checkIntervalMs = positive(options.checkIntervalMs ?? 60_000, 'checkIntervalMs');
  const safetyMarginMs = positive(options.safetyMarginMs ?? 300_000, 'safetyMarginMs');
  if (safetyMarginMs < 2 * checkIntervalMs)
    throw new TypeError('option `safetyMarginMs` must be at least 2 * `checkIntervalMs`');
  const freshWaitMs = options.freshWaitMs ?? 500;
  if (typeof freshWaitMs !== 'number' || !Number.isFinite(freshWaitMs) || freshWaitMs < 0)
    throw new TypeError('option `freshWaitMs` must be a non-negative number of milliseconds');
  const rotationIntervalMs = options.rotationIntervalMs ?? 30 * DAY_MS;
  if (!Number.isFinite(rotationIntervalMs) || rotationIntervalMs < 0)
    throw new TypeError('option `rotationIntervalMs` must be a non-negative number');
  const timing: KeyTiming = {
    prePublishMs: maxJwksCacheAgeMs + safetyMarginMs,
    retainMs: maxTokenLifetimeSeconds * 1000 + safetyMarginMs,
    rotationIntervalMs,
  };
  if (rotationIntervalMs > 0 && rotationIntervalMs < timing.prePublishMs) {
    throw new TypeError('option `rotationIntervalMs` must be 0 or at least maxJwksCacheAgeMs + safetyMarginMs');
  }
  const algorithm = options.algorithm ?? 'RS256';
  if (!isSigningAlgorithm(algorithm))
    throw new TypeError(`option \`algorithm\` must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const modulusLength = options.modulusLength ?? 2048;
  if (!MODULUS_LENGTHS.includes(modulusLength))
    throw new TypeError('option `modulusLength` must be 2048, 3072 or 4096');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function');
  const logger = checkIssuerLogger(options.logger);
  const { initialKey } = options;
  if (initialKey !== undefined && (typeof initialKey.kid !== 'string' || !isSigningAlgorithm(initialKey.alg))) {
    throw new TypeError('option `initialKey` must come from importPrivateKey()');
  }

  let fingerprint = '';
  let version = 0;
  let signing: Signer | undefined;
  let jwks: PublicJwks = { keys: [] };
  let infos: readonly KeyInfo[] = [];
  const keyObjects = new Map<string, Signer>();
  const errorEvents = createEventListeners<{ error: [error: unknown] }>();
  const reportError = (error: unknown) => errorEvents.emit('error', error);
  // A throwing change listener is reported to the error listeners.
  const changeEvents = createEventListeners<{ change: [] }>(reportError);
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  let reloadQueued = false;
  let syncedAt = 0;
  const shared = typeof store.watch === 'function';
  const fresh = () => !shared || now() - syncedAt <= safetyMarginMs;

  const adopt = (set: StoredKeySet) => {
    const sorted = [...set.keys].sort((a, b) => b.createdAtMs - a.createdAtMs || (a.kid < b.kid ? -1 : 1));
    const next = JSON.stringify(
      sorted.map(({ kid, state, createdAtMs, activatesAtMs, activatedAtMs, retiredAtMs, removeAtMs }) => [
        kid,
        state,
        createdAtMs,
        activatesAtMs,
        activatedAtMs,
        retiredAtMs,
        removeAtMs,
      ]),
    );
    if (next === fingerprint) return;
    const active = sorted.find((key) => key.state === 'active');
    if (active && !keyObjects.has(active.kid)) {
      const privateKey = createPrivateKey({ key: { ...active }, format: 'jwk' });
      keyObjects.set(active.kid, createLocalSigner(privateKey, active.kid, active.alg));
    }
    for (const kid of keyObjects.keys()) if (kid !== active?.kid) keyObjects.delete(kid);
    signing = active && keyObjects.get(active.kid);
    jwks = Object.freeze({ keys: Object.freeze(sorted.map(toPublicJwk)) });
    const before = infos;
    infos = Object.freeze(
      sorted.map(({ kid, alg, state, createdAtMs, activatesAtMs, activatedAtMs, retiredAtMs, removeAtMs }) =>
        Object.freeze({ kid, alg, state, createdAtMs, activatesAtMs, activatedAtMs, retiredAtMs, removeAtMs }),
      ),
    );
    fingerprint = next;
    version += 1;
    for (const { kid, from, to } of keyTransitions(before, infos)) {
      count('jwks_kit.issuer.key_ring.transitions', { 'jwks_kit.kid': kid, 'jwks_kit.from': from, 'jwks_kit.to': to });
      logger?.info({ kid, from, to }, `signing key ${from} → ${to}`);
    }
    changeEvents.emit('change');
  };

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  const update = async (
    mutate: (set: StoredKeySet) => StoredKeySet | undefined,
    nextAlgorithm: SigningAlgorithm = algorithm,
  ) => {
    // The view is as recent as the last read, or as the write when one succeeded (a compare-and-set write
    // succeeds only over the version that was read); key generation between the two does not age it.
    let readAt = now();
    let wrote = false;
    const mutator = async (current: StoredKeySet | undefined) => {
      const at = now();
      readAt = at;
      let set = current ?? { keys: [] };
      let changed = current === undefined;
      const due = applyDueTransitions(set, at, timing);
      set = due.set;
      changed ||= due.changed;
      const mutated = mutate(set);
      if (mutated) {
        set = mutated;
        changed = true;
      }
      for (let missing = missingKey(set); missing; missing = missingKey(set)) {
        const jwk =
          missing === 'active' && set.keys.length === 0 && initialKey
            ? initialKey
            : await generateSigningKey(missing === 'next' ? nextAlgorithm : algorithm, modulusLength);
        set = addKey(set, jwk, missing, at, timing);
        changed = true;
      }
      wrote = changed;
      return changed ? set : undefined;
    };
    const result = store.update
      ? await store.update(mutator)
      : await (async () => {
          const current = await store.load();
          const next = await mutator(current);
          if (next) await store.save(next);
          return next ?? current;
        })();
    syncedAt = wrote ? now() : readAt;
    if (result) adopt(result);
  };

  const tick = () => serial(() => update(() => undefined));

  const reload = () =>
    serial(async () => {
      reloadQueued = false;
      const startedAt = now();
      const set = await store.load();
      const usable = set?.keys.some((key) => key.state === 'active') && set.keys.some((key) => key.state === 'next');
      if (set && usable) {
        syncedAt = startedAt;
        adopt(set);
      } else await update(() => undefined);
    });

  // A started ring that is stale does not wait for the scheduler's next tick (up to checkIntervalMs after the store is
  // back, while the reload on the watcher's reconnection may have failed on a client still reconnecting): whoever
  // finds it stale starts a re-read, one at a time. Its failure is not reported: the scheduler reports its own.
  let catchingUp: Promise<void> | undefined;
  const catchUp = () => {
    if (catchingUp !== undefined || timer === undefined) return;
    catchingUp = reload()
      .catch(() => undefined)
      .finally(() => (catchingUp = undefined));
  };
  const freshNow = () => {
    const current = fresh();
    if (!current) catchUp();
    return current;
  };
  // The wait is bounded by a timer of its own: a read hanging on a store that does not answer (a Redis command
  // queued while the client reconnects) refuses the signature after freshWaitMs, not after the store's own timeout.
  const whenFresh = async () => {
    if (freshNow()) return true;
    const reading = catchingUp;
    if (reading === undefined || freshWaitMs === 0) return false;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([reading, new Promise<void>((resolve) => (timeout = setTimeout(resolve, freshWaitMs)))]);
    clearTimeout(timeout);
    return fresh();
  };

  await tick();

  const ring: KeyRing = {
    maxJwksCacheAgeMs,
    maxTokenLifetimeSeconds,
    jwksCacheMaxAgeSeconds: Math.floor(maxJwksCacheAgeMs / 1000),
    get version() {
      return version;
    },
    signingKey() {
      if (!signing) throw new IssuerError('ERR_NO_ACTIVE_KEY', 'the key ring has no active key');
      if (!freshNow())
        throw new IssuerError(
          'ERR_KEY_RING_STALE',
          `the key store has not been read for more than ${safetyMarginMs} ms (is the scheduler started?): ` +
            'another replica may have rotated, so this ring refuses to sign until it reads the store again',
        );
      return signing;
    },
    whenFresh,
    health: () => {
      const current = freshNow();
      return { state: current ? 'ok' : 'failing', version, syncedAtMs: syncedAt, fresh: current };
    },
    publicJwks: () => jwks,
    keys: () => infos,
    rotate: (rotateOptions = {}) => {
      const retiring = signing?.kid;
      const nextAlgorithm = rotateOptions.nextAlgorithm ?? algorithm;
      if (!isSigningAlgorithm(nextAlgorithm))
        return Promise.reject(
          new TypeError(`option \`nextAlgorithm\` must be one of ${SIGNING_ALGORITHMS.join(', ')}`),
        );
      return serial(() =>
        update((set) => {
          const active = set.keys.find((key) => key.state === 'active');
          // Another replica already rotated away from the key we sign with: adopt its ring, rotate no further.
          if (retiring !== undefined && active !== undefined && active.kid !== retiring) return undefined;
          return rotateKeys(set, now(), timing, rotateOptions.force === true);
        }, nextAlgorithm),
      );
    },
    addKey: (key) => serial(() => update((set) => addKey(set, key, 'next', now(), timing))),
    prepareNextKey: async (alg) => {
      if (!isSigningAlgorithm(alg)) throw new TypeError(`alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
      const key = await generateSigningKey(alg, modulusLength);
      await serial(() => update((set) => addKey(set, key, 'next', now(), timing)));
    },
    removeKey: (kid) => serial(() => update((set) => removeKey(set, kid))),
    reload,
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tick().catch(reportError);
      }, checkIntervalMs);
      timer.unref();
      unwatch = store.watch?.(() => {
        // Announcements arriving while a reload waits in the queue are covered by that reload.
        if (reloadQueued) return;
        reloadQueued = true;
        reload().catch(reportError);
      }, reportError);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      unwatch?.();
      unwatch = undefined;
      return queue.then(() => undefined);
    },
    on(event: 'change' | 'error', listener: (error?: unknown) => void) {
      return event === 'change' ? changeEvents.on('change', listener) : errorEvents.on('error', listener);
    },
  };
  return ring;
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TypeError(`option \`${name}\` must be a positive number of milliseconds`);
  return value;
}
