import type { PrivateSigningJwk } from './private-signing-jwk.js';

/** Life-cycle state of a stored key: published before it signs, signing, published until its tokens expired. */
export type KeyState = 'next' | 'active' | 'retired';

/** The life-cycle state and times (milliseconds since the epoch) a store keeps beside each key. */
export interface KeyLifecycle {
  readonly state: KeyState;
  readonly createdAtMs: number;
  /** Earliest instant the key may start signing (it has been published long enough by then). */
  readonly activatesAtMs: number;
  readonly activatedAtMs?: number;
  readonly retiredAtMs?: number;
  /** Instant a retired key leaves the JWKS (every token it signed has expired by then). */
  readonly removeAtMs?: number;
}

/**
 * One key as a store keeps it: a private JWK (RFC 7517 members) with its kid, its one `alg`
 * (persisted: RSA RS256 or PS256, EC ES256, OKP EdDSA), plus its life-cycle state and times. A set
 * of these is a valid JWK Set (extra members are allowed).
 */
export type StoredKey = PrivateSigningJwk & KeyLifecycle;

/** What a {@link KeyStore} persists: every published key with its private material. */
export interface StoredKeySet {
  readonly keys: readonly StoredKey[];
}

/**
 * Persistence of the key ring. `load()` answers `undefined` when nothing was stored yet.
 * `update()`, when offered, runs a read-modify-write that excludes other writers (other processes
 * included), so that two issuers sharing one store never fork the key ring; the key ring falls
 * back to `load()` + `save()` for stores without it.
 */
export interface KeyStore {
  load(): Promise<StoredKeySet | undefined>;
  save(set: StoredKeySet): Promise<void>;
  update?(
    mutate: (current: StoredKeySet | undefined) => Promise<StoredKeySet | undefined>,
  ): Promise<StoredKeySet | undefined>;
  /**
   * Offered by stores that other processes write (Redis): calls `onChange` whenever the stored set may
   * have changed (and after every reconnection, since announcements may have been missed), and
   * `onError` on subscription failures; answers the unsubscribe function. A key ring over such a
   * store follows it (`start()`), and refuses to sign when its view is older than `safetyMarginMs`.
   */
  watch?(onChange: () => void, onError: (error: unknown) => void): () => void;
}
