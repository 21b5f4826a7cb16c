/** Life-cycle state of a stored key: published before it signs, signing, published until its tokens expired. */
export type KeyState = 'next' | 'active' | 'retired';

/**
 * One key as a store keeps it: a private RSA JWK (RFC 7517 members) plus its life-cycle state and
 * times in milliseconds since the epoch. A set of these is a valid JWK Set (extra members are allowed).
 */
export interface StoredKey {
  readonly kty: 'RSA';
  /** RFC 7638 thumbprint (SHA-256, base64url) of the public key. */
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
  readonly n: string;
  readonly e: string;
  readonly d: string;
  readonly p: string;
  readonly q: string;
  readonly dp: string;
  readonly dq: string;
  readonly qi: string;
  readonly state: KeyState;
  readonly createdAt: number;
  /** Earliest instant the key may start signing (it has been published long enough by then). */
  readonly activatesAt: number;
  readonly activatedAt?: number;
  readonly retiredAt?: number;
  /** Instant a retired key leaves the JWKS (every token it signed has expired by then). */
  readonly removeAt?: number;
}

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
