import { createEventListeners, importJwk, MAX_KID_LENGTH, type CheckedJwk } from '@jwks-kit/core';
import { fullJitterMs } from './lib/full-jitter.js';
import type { KeySet, VerificationKey } from './key-set.js';
import type { KeySetHealth } from './key-set-health.js';
import { keySetTelemetry, type KeySetTelemetry } from './lib/key-set-telemetry.js';
import { logKeySet } from './lib/log-key-set.js';
import { KeySetError } from './key-set-error.js';
import { jwksCacheAgeMs } from './lib/jwks-cache-age.js';
import { jwksFetch } from './lib/jwks-fetch.js';
import { resolveRemoteKeySetOptions, type ResolvedRemoteKeySetOptions } from './lib/jwks-options.js';
import { jwksParse, type SkippedKey } from './lib/jwks-parse.js';
import type { RemoteKeySetOptions } from './remote-key-set-options.js';

export type { SkippedKey, SkippedKeyReason } from './lib/jwks-parse.js';
export type { RemoteKeySetOptions } from './remote-key-set-options.js';

/** Payload of the `fetched` event. */
export interface JwksFetchedEvent {
  /** 200 for a new body, 304 when revalidation kept the current keys. */
  readonly status: 200 | 304;
  /** Kids served from now on. */
  readonly kids: readonly string[];
  /** Keys of the set left out, and why (empty on 304). */
  readonly skipped: readonly SkippedKey[];
  /** Cache age applied (clamped `max-age`). */
  readonly cacheMs: number;
}

/** Payload of the `stale` event. */
export interface JwksStaleEvent {
  /** When the last fetch succeeded (ms). */
  readonly lastSuccessAtMs: number;
  /** `ERR_JWKS_STALE`, with the latest fetch error as `cause`. */
  readonly error: KeySetError;
}

/** Events of a {@link RemoteKeySet}, for logs and metrics. */
export interface RemoteKeySetEvents {
  /** A fetch succeeded. */
  fetched: [event: JwksFetchedEvent];
  /** A fetch failed; the previous keys stay in service until they are too stale. */
  fetchFailed: [error: KeySetError];
  /** The last good set passed its cache age plus `maxStaleMs`: no key is served until a fetch succeeds. */
  stale: [event: JwksStaleEvent];
  /** A lookup found no key for `kid` (untrusted input: truncate before logging); `refetched` tells whether it cost a fetch. */
  unknownKid: [kid: string, info: { readonly refetched: boolean }];
  /** A kid left the served set (withdrawn, replaced by other key material, or the set went stale). */
  keyRemoved: [kid: string];
}

interface ImportedKey {
  readonly fingerprint: string;
  readonly key: VerificationKey;
}

const ACCEPT = 'application/jwk-set+json, application/json;q=0.9';
const MAX_TIMER_MS = 2 ** 31 - 1;
const noop = (): undefined => undefined;

/**
 * A cached copy of an issuer's JWKS: lookups are synchronous map reads; the set is refreshed in the
 * background before it expires, revalidated with If-None-Match, refetched at most once per cooldown for
 * unknown kids, and kept for `maxStaleMs` while the issuer fails. Create with {@link createRemoteKeySet}.
 */
export class RemoteKeySet implements KeySet {
  readonly #events = createEventListeners<RemoteKeySetEvents>();
  readonly #options: ResolvedRemoteKeySetOptions;
  /** Served keys (the hot-path map); emptied when the set goes stale. */
  #keys = new Map<string, VerificationKey>();
  /** The last good set's imports, kept while stale so a 304 or an identical set restores them without re-importing. */
  #imported = new Map<string, ImportedKey>();
  #etag: string | undefined;
  #loaded = false;
  #stale = false;
  #closed = false;
  #inFlight: Promise<void> | undefined;
  #lastError: KeySetError | undefined;
  #cacheMs: number;
  #lastSuccessAtMs = Number.NEGATIVE_INFINITY;
  /**
   * When an unknown kid last caused a fetch: the cooldown counts from here only. Background refreshes do
   * not count, or a kid published just after one (a forced rotation) would wait for the next refresh.
   */
  #lastRefetchForKidAtMs = Number.NEGATIVE_INFINITY;
  #nextAttemptAtMs = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #refreshAtMs = Number.NEGATIVE_INFINITY;
  #staleAtMs = Number.POSITIVE_INFINITY;
  /** Earliest time at which a lookup must look at the clock-driven state (refresh due, staleness). */
  #checkAtMs = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  readonly #telemetry: KeySetTelemetry;

  constructor(options: RemoteKeySetOptions) {
    this.#options = resolveRemoteKeySetOptions(options);
    this.#cacheMs = this.#options.minCacheMs;
    if (this.#options.logger !== undefined) logKeySet(this, this.#options.logger);
    this.#telemetry = keySetTelemetry(this);
    this.#fetch().catch(noop);
  }

  /** The JWKS URL this set fetches. */
  get jwksUri(): URL {
    return new URL(this.#options.jwksUri);
  }

  /** Kids currently served (empty before the first load and while stale). */
  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  /** Hot path: a map lookup; may start a background refresh, never waits for one. */
  getKey(kid: string): VerificationKey | undefined {
    const now = this.#options.now();
    if (now >= this.#checkAtMs) this.#tick(now);
    return this.#keys.get(kid);
  }

  /**
   * Miss path: waits for the fetch in flight; if the kid is still unknown, refetches unless an unknown kid
   * already caused a refetch within `cooldownMs` (or backoff applies). Never rejects.
   */
  async resolveKey(kid: string): Promise<VerificationKey | undefined> {
    const known = this.getKey(kid);
    if (known !== undefined) return known;
    // A fetch in flight may have started before the key was published: its answer alone does not decide.
    if (this.#inFlight) await this.#inFlight.catch(noop);
    let key = this.#keys.get(kid);
    let refetched = false;
    if (key === undefined && this.#mayRefetchFor(kid)) {
      refetched = true;
      this.#lastRefetchForKidAtMs = this.#options.now();
      await this.#fetch().catch(noop);
      key = this.#keys.get(kid);
    }
    if (key === undefined) this.#events.emit('unknownKid', kid, { refetched });
    return key;
  }

  /** Subscribes to one of {@link RemoteKeySetEvents}; returns the unsubscribe function. */
  on<E extends keyof RemoteKeySetEvents>(event: E, listener: (...args: RemoteKeySetEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Resolves once a set has been loaded; otherwise waits for (or starts) a fetch and rejects with its KeySetError. */
  ready(): Promise<void> {
    return this.#loaded ? Promise.resolve() : this.refresh();
  }

  /** A snapshot for readiness: `ok`, `stale` (last fetch failed, last good keys served) or `failing` (no key served). */
  health(): KeySetHealth {
    const now = this.#options.now();
    if (now >= this.#checkAtMs) this.#tick(now);
    const loaded = this.#loaded;
    const due = this.#inFlight ? now : Math.max(this.#refreshAtMs, this.#nextAttemptAtMs);
    return {
      state: !loaded || this.#stale ? 'failing' : this.#lastError === undefined ? 'ok' : 'stale',
      kids: this.#keys.size,
      keyAgeMs: loaded ? now - this.#lastSuccessAtMs : undefined,
      lastSuccessAtMs: loaded ? this.#lastSuccessAtMs : undefined,
      lastError: this.#lastError,
      nextRefreshAtMs: this.#closed ? undefined : Math.max(now, due),
      staleAtMs: loaded && !this.#stale ? this.#staleAtMs : undefined,
      consecutiveFailures: this.#failures,
    };
  }

  /** Fetches now (sharing a fetch in flight), ignoring cache age, cooldown and backoff; rejects with the KeySetError. */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.reject(new TypeError('the key set is closed'));
    return this.#fetch();
  }

  /** Stops the timers; later lookups serve the current keys but never fetch. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #mayRefetchFor(kid: string): boolean {
    if (this.#closed || kid.length === 0 || kid.length > MAX_KID_LENGTH) return false;
    const now = this.#options.now();
    return now >= this.#lastRefetchForKidAtMs + this.#options.cooldownMs && now >= this.#nextAttemptAtMs;
  }

  #tick(now: number): void {
    if (this.#loaded && !this.#stale && now >= this.#staleAtMs) this.#goStale();
    if (!this.#closed && !this.#inFlight && now >= this.#refreshAtMs && now >= this.#nextAttemptAtMs) {
      this.#fetch().catch(noop);
    }
    this.#schedule();
  }

  #fetch(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const attempt = this.#telemetry
      .traceFetch(() => this.#load())
      .finally(() => {
        this.#inFlight = undefined;
        this.#schedule();
      });
    this.#inFlight = attempt;
    this.#schedule();
    return attempt;
  }

  /** One fetch; answers the HTTP status it applied (`undefined` when the set was closed meanwhile). */
  async #load(): Promise<200 | 304 | undefined> {
    const options = this.#options;
    let event: JwksFetchedEvent;
    let removed: string[];
    try {
      const response = await jwksFetch(options.jwksUri, {
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        accept: ACCEPT,
        etag: this.#loaded ? this.#etag : undefined,
      });
      const maxAgeMs = jwksCacheAgeMs(response.headers);
      let imported = this.#imported;
      let skipped: SkippedKey[] = [];
      if (response.status === 200) {
        const parsed = jwksParse(options.jwksUri, response, options);
        skipped = parsed.skipped;
        imported = this.#importAll(parsed.accepted);
        if (imported.size === 0) throw new KeySetError('ERR_JWKS_INVALID', 'the JWKS holds no usable key');
      }
      if (this.#closed) return;
      const previous = this.#keys;
      removed = [...previous.keys()].filter((kid) => imported.get(kid)?.key !== previous.get(kid));
      this.#imported = imported;
      this.#keys = new Map([...imported].map(([kid, entry]) => [kid, entry.key]));
      if (response.status === 200) this.#etag = usableEtag(response.headers.get('etag'));
      const now = options.now();
      const cacheMs = Math.min(
        options.maxCacheMs,
        Math.max(options.minCacheMs, maxAgeMs ?? (response.status === 304 ? this.#cacheMs : 0)),
      );
      this.#cacheMs = cacheMs;
      this.#loaded = true;
      this.#stale = false;
      this.#failures = 0;
      this.#lastError = undefined;
      this.#lastSuccessAtMs = now;
      this.#nextAttemptAtMs = Number.NEGATIVE_INFINITY;
      this.#refreshAtMs = now + Math.floor(cacheMs * options.refreshRatio);
      this.#staleAtMs = now + cacheMs + options.maxStaleMs;
      event = { status: response.status, kids: [...this.#keys.keys()], skipped, cacheMs };
    } catch (cause) {
      const error =
        cause instanceof KeySetError
          ? cause
          : new KeySetError('ERR_JWKS_INVALID', 'the JWKS could not be processed', { cause });
      if (this.#closed) throw error;
      this.#failures += 1;
      this.#lastError = error;
      const backoffMs = fullJitterMs(this.#failures, options.backoffInitialMs, options.backoffMaxMs);
      this.#nextAttemptAtMs = options.now() + backoffMs;
      this.#events.emit('fetchFailed', error);
      throw error;
    }
    for (const kid of removed) this.#events.emit('keyRemoved', kid);
    this.#events.emit('fetched', event);
    return event.status;
  }

  /** Imports each accepted key once: a kid whose fingerprint (algorithm and material) is unchanged keeps its import. */
  #importAll(accepted: readonly CheckedJwk[]): Map<string, ImportedKey> {
    const imported = new Map<string, ImportedKey>();
    for (const jwk of accepted) {
      const current = this.#imported.get(jwk.kid);
      imported.set(
        jwk.kid,
        current?.fingerprint === jwk.fingerprint ? current : { fingerprint: jwk.fingerprint, key: importJwk(jwk) },
      );
    }
    return imported;
  }

  #goStale(): void {
    this.#stale = true;
    const removed = [...this.#keys.keys()];
    this.#keys = new Map();
    const ageMs = this.#options.now() - this.#lastSuccessAtMs;
    const error = new KeySetError(
      'ERR_JWKS_STALE',
      `the JWKS was last fetched ${ageMs} ms ago, beyond its cache age plus maxStaleMs`,
      {
        cause: this.#lastError,
      },
    );
    this.#events.emit('stale', { lastSuccessAtMs: this.#lastSuccessAtMs, error });
    for (const kid of removed) this.#events.emit('keyRemoved', kid);
  }

  /** Recomputes the lookup's check time and arms one unref'd timer for it. */
  #schedule(): void {
    const due = this.#inFlight ? Number.POSITIVE_INFINITY : Math.max(this.#refreshAtMs, this.#nextAttemptAtMs);
    const staleAt = this.#loaded && !this.#stale ? this.#staleAtMs : Number.POSITIVE_INFINITY;
    this.#checkAtMs = Math.min(due, staleAt);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || !Number.isFinite(this.#checkAtMs)) return;
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, this.#checkAtMs - this.#options.now()));
    this.#timer = setTimeout(() => this.#tick(this.#options.now()), delayMs);
    this.#timer.unref();
  }
}

/** Creates a {@link RemoteKeySet} and starts its first fetch; options are validated here (TypeError naming the option). */
export function createRemoteKeySet(options: RemoteKeySetOptions): RemoteKeySet {
  return new RemoteKeySet(options);
}

function usableEtag(etag: string | null): string | undefined {
  return etag !== null && etag.length <= 256 && /^(W\/)?"[^"]*"$/.test(etag) ? etag : undefined;
}
