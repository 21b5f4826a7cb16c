import type { RefreshStoreHealth } from './refresh-store-health.js';

/** One login session: a chain of refresh tokens of which exactly one (the head) is live. */
export interface RefreshFamily {
  readonly familyId: string;
  readonly sub: string;
  readonly scope?: string;
  readonly clientId?: string;
  /**
   * RFC 7638 thumbprint of the DPoP key the family is bound to (RFC 9449 §5): set when the family starts with a
   * proof, never changed afterwards. Stores must persist it as given and never add, change or remove it.
   */
  readonly jkt?: string;
  /** Milliseconds since the epoch. */
  readonly createdAtMs: number;
  /** The family ends at this instant whatever its use (ms since the epoch). */
  readonly absoluteExpiresAtMs: number;
  /** Last start or rotation (ms since the epoch); the idle timeout counts from here. */
  readonly lastUsedAtMs: number;
  /** The family ends at this instant unless rotated before: the earlier of the absolute and idle deadlines. */
  readonly expiresAtMs: number;
  /** SHA-256 (base64url) of the one live refresh token. */
  readonly headHash: string;
}

/** Where a presented token stands in its family, as seen by {@link RefreshTokenStore.find}. */
export interface FoundRefreshToken {
  readonly family: RefreshFamily;
  /** `head`: the live token; `rotated`: an earlier token of the chain. */
  readonly state: 'head' | 'rotated';
}

/** Everything one atomic rotation needs; the service computes hashes and the sealed successor beforehand. */
export interface RotateRefreshTokenRequest {
  readonly familyId: string;
  readonly presentedHash: string;
  readonly successorHash: string;
  /** The successor, encrypted under a key only the presented token yields. */
  readonly sealedSuccessor: string;
  readonly nowMs: number;
  readonly graceMs: number;
  readonly idleTimeoutMs: number;
}

/** The result of one atomic rotation. */
export type RotateRefreshTokenOutcome =
  /** The presented token was the head: it is now rotated and the successor is the head. */
  | { readonly kind: 'rotated'; readonly family: RefreshFamily }
  /** The presented token was rotated within the grace window and its successor is still the head. */
  | { readonly kind: 'replayed'; readonly family: RefreshFamily; readonly sealedSuccessor: string }
  /** The presented token was rotated earlier: the family has been deleted. */
  | { readonly kind: 'reused'; readonly family: RefreshFamily }
  /** The family passed its absolute lifetime or idle timeout: it has been deleted. */
  | { readonly kind: 'expired'; readonly family: RefreshFamily }
  /** No such family, or the token is not part of it. */
  | { readonly kind: 'invalid' };

/**
 * Storage of refresh-token families. Tokens appear only as SHA-256 hashes. `rotate` must be one
 * atomic step: no interleaving may let two callers both rotate the same head. Implementations
 * reject with a `RefreshTokenError` of code `ERR_REFRESH_STORE_UNAVAILABLE` when unreachable.
 */
export interface RefreshTokenStore {
  /** Stores a new family whose head is `family.headHash`. */
  create(family: RefreshFamily): Promise<void>;
  /** The family of a token (head or rotated), or `undefined` when the hash is not part of it. */
  find(familyId: string, tokenHash: string): Promise<FoundRefreshToken | undefined>;
  /** Rotation, grace replay, reuse detection and expiry, in one atomic step. */
  rotate(request: RotateRefreshTokenRequest): Promise<RotateRefreshTokenOutcome>;
  /**
   * Deletes the family; answers what it was, or `undefined` if absent. Its access tokens need no list:
   * the service revokes them all by session id (`sid`) in the denylist.
   */
  end(familyId: string): Promise<RefreshFamily | undefined>;
  /** Ids of the families of `sub` that may still exist (entries of ended families may linger). */
  familiesOf(sub: string): Promise<readonly string[]>;
  /** Optional for custom stores: a health snapshot for readiness. */
  health?(): RefreshStoreHealth;
}
