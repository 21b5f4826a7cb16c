import type { DenylistHealth } from './denylist-health.js';

/**
 * The claims of a verified token that revocation looks at. Values are `unknown` because they come
 * from a token: implementations validate them (a non-string jti is never "not revoked" by accident).
 */
export interface RevocationClaims {
  readonly jti?: unknown;
  readonly sub?: unknown;
  /** Session id: tokens of a session revoked with `revokeSession` are rejected when issued before its moment. */
  readonly sid?: unknown;
  readonly iat?: unknown;
  readonly exp?: unknown;
  readonly iss?: unknown;
}

/**
 * What every denylist store offers. Times are JWT NumericDates (seconds since the epoch).
 *
 * `check()` answers `true` when the token is revoked. It may answer synchronously (memory store,
 * Redis mirror: no I/O on the request path) or with a promise (Redis lookup mode). When the store
 * cannot answer with confidence it throws (or rejects with) a `DenylistError` whose code is
 * `ERR_DENYLIST_UNAVAILABLE`; callers fail closed.
 */
export interface Denylist {
  /** Rejects the token with this jti until `exp` (plus leeway); the entry then expires by itself. */
  revoke(jti: string, exp: number, issuer?: string): Promise<void>;
  /** Rejects every token of `sub` whose `iat` is before `at` (default: now). */
  revokeSubject(sub: string, at?: number, issuer?: string): Promise<void>;
  /**
   * Rejects every token whose `sid` is `sid` and whose `iat` is before `before` (default: now, rounded
   * up to the next second). Kept until the longest token of that session could still be alive
   * (`before` plus `maxTokenLifetimeSeconds` plus leeway). A token without `sid` is unaffected.
   */
  revokeSession(sid: string, before?: number, issuer?: string): Promise<void>;
  /** True when the verified token is revoked. */
  check(claims: RevocationClaims): boolean | Promise<boolean>;
  /** Resolves once the store can answer (the Redis mirror's initial load); optional for custom stores. */
  ready?(): Promise<void>;
  /** Optional for custom stores: a health snapshot for readiness (`failing` means `check()` refuses). */
  health?(): DenylistHealth;
  /** Releases timers and subscriptions the store created (never a client it was given). */
  close(): Promise<void>;
}
