/**
 * Where the `jti` of every accepted DPoP proof is recorded, so that a proof is used once (RFC 9449
 * §11.1). One store shared by every replica of a service makes a proof single-use across them.
 */
export interface DpopReplayStore {
  /**
   * Records `key` for `ttlMs`: resolves `true` the first time, `false` when the key is already recorded
   * (a replay). Rejects when the store cannot answer; callers then fail closed (503), never accept.
   */
  useOnce(key: string, ttlMs: number): Promise<boolean>;
}

/** The replay key of a verified proof: `jkt:jti` (the jkt is 43 base64url characters, so the split is unambiguous). */
export function dpopReplayKey(proof: Readonly<{ jkt: string; jti: string }>): string {
  return `${proof.jkt}:${proof.jti}`;
}

/**
 * How long a proof's `jti` must be remembered: a proof is accepted while `|now − iat|` is within the
 * window plus leeway, so from its first use it can stay acceptable for twice that.
 */
export function dpopReplayTtlMs(window: Readonly<{ iatWindowSeconds: number; leewaySeconds: number }>): number {
  return 2 * (window.iatWindowSeconds + window.leewaySeconds) * 1000;
}
