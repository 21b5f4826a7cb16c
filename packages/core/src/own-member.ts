/**
 * The member `name` of a parsed JSON object (a JWT's claims, a JOSE header), read as an own property only. A member
 * the object does not carry is `undefined`, even when `Object.prototype` answers for the name (`constructor`,
 * `toString`, `__proto__`) or has been polluted with it (`Object.prototype.scope = 'admin'` elsewhere in the process).
 */
export function ownMember(object: object, name: string): unknown {
  return Object.hasOwn(object, name) ? (object as Record<string, unknown>)[name] : undefined;
}

/** The registered claims a verifier checks, each as {@link ownMember} reads it. */
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
 * {@link ownMember} of every registered claim, by the same rule (own properties only, the prototype never read), with
 * one named load per claim. `ownMember`'s single keyed load serves every name, so V8 makes it megamorphic: a lookup
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

/** The claims a denylist looks at (jti, subject, session, issued-at, issuer), each as {@link ownMember} reads it. */
export interface RevocationClaimMembers {
  readonly jti: unknown;
  readonly sub: unknown;
  readonly sid: unknown;
  readonly iat: unknown;
  readonly iss: unknown;
}

/**
 * {@link ownMember} of the claims a denylist looks at, by named loads as in {@link registeredClaims}. A token without
 * `iat` never takes an inherited one: a polluted `Object.prototype.iat` in the future would date every such token
 * after its subject's revocation.
 */
export function revocationClaimMembers(claims: object): RevocationClaimMembers {
  const own = claims as Record<string, unknown>;
  return {
    jti: Object.hasOwn(own, 'jti') ? own.jti : undefined,
    sub: Object.hasOwn(own, 'sub') ? own.sub : undefined,
    sid: Object.hasOwn(own, 'sid') ? own.sid : undefined,
    iat: Object.hasOwn(own, 'iat') ? own.iat : undefined,
    iss: Object.hasOwn(own, 'iss') ? own.iss : undefined,
  };
}

/** The JOSE header members that decide how a JWS is checked, each as {@link ownMember} reads it. */
export interface DecidingHeaderMembers {
  readonly alg: unknown;
  readonly typ: unknown;
  readonly kid: unknown;
}

/**
 * {@link ownMember} of `alg`, `typ` and `kid`, by named loads as in {@link registeredClaims}. A header without `typ`
 * never takes an inherited one (a polluted `Object.prototype.typ = 'at+jwt'` would make any token of the issuer's
 * keys an access token). Members a header must not carry (`crit`, `jku`, …) may be read directly: an inherited value
 * there can only refuse.
 */
export function decidingHeaderMembers(header: Record<string, unknown>): DecidingHeaderMembers {
  return {
    alg: Object.hasOwn(header, 'alg') ? header.alg : undefined,
    typ: Object.hasOwn(header, 'typ') ? header.typ : undefined,
    kid: Object.hasOwn(header, 'kid') ? header.kid : undefined,
  };
}

/**
 * A null-prototype copy of `object`'s own enumerable members: every later read of the copy is an own read, so a rule
 * that reads many members (a JWK's) follows {@link ownMember} without naming it at each one. An own `__proto__`
 * member (JSON.parse makes one) stays a plain member of that name.
 */
export function ownMembers(object: object): Readonly<Record<string, unknown>> {
  return Object.assign(Object.create(null) as Record<string, unknown>, object);
}
