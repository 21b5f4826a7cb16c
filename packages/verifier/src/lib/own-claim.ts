/**
 * The claim `name` of a token, read as an own property only. A claim the token does not carry is
 * `undefined`, even when `Object.prototype` answers for the name (`constructor`, `toString`,
 * `__proto__`) or has been polluted with it (`Object.prototype.scope = 'admin'` elsewhere in the process).
 */
export function ownClaim(claims: object, name: string): unknown {
  return Object.hasOwn(claims, name) ? (claims as Record<string, unknown>)[name] : undefined;
}

/** The registered claims the verifier checks, each as {@link ownClaim} reads it. */
export interface RegisteredClaims {
  readonly iss: unknown;
  readonly exp: unknown;
  readonly nbf: unknown;
  readonly iat: unknown;
  readonly aud: unknown;
  readonly sub: unknown;
  readonly jti: unknown;
  readonly scope: unknown;
}

/**
 * {@link ownClaim} of every registered claim, by the same rule (own properties only, the prototype never read), with
 * one named load per claim. `ownClaim`'s single keyed load serves every name, so V8 makes it megamorphic: a lookup
 * through its stub cache for each claim of each token, where these loads stay monomorphic for payloads of one shape.
 */
export function registeredClaims(payload: Record<string, unknown>): RegisteredClaims {
  return {
    iss: Object.hasOwn(payload, 'iss') ? payload.iss : undefined,
    exp: Object.hasOwn(payload, 'exp') ? payload.exp : undefined,
    nbf: Object.hasOwn(payload, 'nbf') ? payload.nbf : undefined,
    iat: Object.hasOwn(payload, 'iat') ? payload.iat : undefined,
    aud: Object.hasOwn(payload, 'aud') ? payload.aud : undefined,
    sub: Object.hasOwn(payload, 'sub') ? payload.sub : undefined,
    jti: Object.hasOwn(payload, 'jti') ? payload.jti : undefined,
    scope: Object.hasOwn(payload, 'scope') ? payload.scope : undefined,
  };
}
