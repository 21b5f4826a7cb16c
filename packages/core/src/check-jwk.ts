import type { JwsAlgorithm } from './jws-algorithms.js';
import { jwkKeyType, keyTypeAlgorithms, MAX_KID_LENGTH, type JwkRefusal } from './jwk-key-types.js';
import { ownMembers } from './own-member.js';

/** A public signing JWK whose type, members and one algorithm passed the checks (no `kid` looked at). */
export interface CheckedPublicJwk {
  readonly kty: string;
  /** The one algorithm the key verifies under: its own `alg`, or the single pinned algorithm its type runs with. */
  readonly alg: JwsAlgorithm;
  /** `kty` plus the public members of its type, nothing else: what gets imported. */
  readonly publicJwk: Readonly<Record<string, string>>;
}

/** A public signing JWK that passed every check, bound to exactly one algorithm (RFC 8725 §3.1). */
export interface CheckedJwk extends CheckedPublicJwk {
  readonly kid: string;
  /** Same kid, material and algorithm ⇔ same fingerprint (lets a key cache keep an earlier import). */
  readonly fingerprint: string;
}

/**
 * Checks one JWK against the pinned `algorithms`: a non-empty `kid` of at most 256 characters, a key type
 * some pinned algorithm runs with, `use` `sig` and `key_ops` with `verify` when present, well-formed public
 * members of an accepted size, and exactly one algorithm: the JWK's `alg` when present (it must be pinned),
 * else the only pinned algorithm of its key type. Private members are a set-wide matter
 * (see `checkJwkSet`) and are not looked at here. Never throws.
 */
export function checkJwk(
  jwk: Readonly<Record<string, unknown>>,
  algorithms: readonly JwsAlgorithm[],
): CheckedJwk | JwkRefusal {
  const own = ownMembers(jwk);
  const { kid } = own;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)
    return { reason: 'kid', member: 'kid', message: `must be a string of 1 to ${MAX_KID_LENGTH} characters` };
  const checked = checkOwnPublicJwk(own, algorithms);
  if (isJwkRefusal(checked)) return checked;
  const row = jwkKeyType(own) as NonNullable<ReturnType<typeof jwkKeyType>>;
  const fingerprint = [checked.alg, ...row.publicMembers.map((member) => checked.publicJwk[member])].join('.');
  return { kid, ...checked, fingerprint };
}

/**
 * {@link checkJwk} without the `kid` rule: the checks a key carried by a message itself (a DPoP proof's
 * `jwk` header, RFC 9449 §4.2) must pass, where no `kid` is required. Never throws.
 */
export function checkPublicJwk(
  jwk: Readonly<Record<string, unknown>>,
  algorithms: readonly JwsAlgorithm[],
): CheckedPublicJwk | JwkRefusal {
  return checkOwnPublicJwk(ownMembers(jwk), algorithms);
}

/** {@link checkPublicJwk} of a JWK's {@link ownMembers}: nothing inherited is read as a member. */
function checkOwnPublicJwk(
  jwk: Readonly<Record<string, unknown>>,
  algorithms: readonly JwsAlgorithm[],
): CheckedPublicJwk | JwkRefusal {
  const { use, key_ops: keyOps, alg } = jwk;
  const row = jwkKeyType(jwk);
  if (row?.fromJwk === false) return row.checkMembers(jwk) as JwkRefusal;
  const candidates = row === undefined ? [] : keyTypeAlgorithms(row).filter((name) => algorithms.includes(name));
  if (row === undefined || candidates.length === 0)
    return {
      reason: 'kty',
      member: 'kty',
      message: `must be a key type of the pinned algorithms (${algorithms.join(', ')})`,
    };
  if (use !== undefined && use !== 'sig')
    return { reason: 'use', member: 'use', message: 'must be "sig" when present' };
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify')))
    return { reason: 'use', member: 'key_ops', message: 'must include "verify" when present' };
  let bound: JwsAlgorithm;
  if (alg !== undefined) {
    const named = candidates.find((name) => name === alg);
    if (named === undefined)
      return {
        reason: 'alg',
        member: 'alg',
        message: `must be one of ${candidates.join(', ')} when present`,
      };
    bound = named;
  } else if (candidates.length === 1) {
    bound = candidates[0] as JwsAlgorithm;
  } else {
    return {
      reason: 'alg',
      member: 'alg',
      message: `is required: the key could serve ${candidates.join(', ')}, and a key serves exactly one algorithm`,
    };
  }
  const refusal = row.checkMembers(jwk);
  if (refusal !== undefined) return refusal;
  const publicJwk: Record<string, string> = { kty: row.kty };
  for (const member of row.publicMembers) publicJwk[member] = jwk[member] as string;
  return { kty: row.kty, alg: bound, publicJwk: Object.freeze(publicJwk) };
}

/** True when {@link checkJwk} (or {@link checkPublicJwk}) refused the key. */
export function isJwkRefusal<T extends CheckedPublicJwk>(outcome: T | JwkRefusal): outcome is JwkRefusal {
  return 'reason' in outcome;
}
