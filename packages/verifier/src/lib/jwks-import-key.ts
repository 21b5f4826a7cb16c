import { createPublicKey, type KeyObject } from 'node:crypto';
import type { VerificationKey } from '../key-set.js';
import type { AcceptedJwk, RsaAlgorithm } from './jwks-parse.js';

/** The one algorithm each imported key may verify under (its JWK `alg`, or the single pinned one). */
const boundAlgorithms = new WeakMap<KeyObject, string>();

/**
 * Imports a checked RSA JWK once, as a public KeyObject built from its `kty`, `n` and `e` only. A key
 * with its own `alg`, or imported while a single algorithm is pinned, is bound to that algorithm
 * (see {@link keyBoundAlgorithm}); a key without `alg` under several pinned algorithms serves each.
 */
export function jwksImportKey(
  jwk: Pick<AcceptedJwk, 'n' | 'e' | 'alg'>,
  algorithms: readonly RsaAlgorithm[],
): VerificationKey {
  const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  const alg = jwk.alg ?? (algorithms.length === 1 ? algorithms[0] : undefined);
  if (alg !== undefined) boundAlgorithms.set(key, alg);
  return key;
}

/** The algorithm a key imported by {@link jwksImportKey} is bound to; `undefined` when it serves every pinned one (or was imported elsewhere). */
export function keyBoundAlgorithm(key: VerificationKey): string | undefined {
  return boundAlgorithms.get(key);
}

/** The identity of an imported key: same kid with the same material and algorithm reuses the import. */
export function jwksKeyFingerprint(jwk: AcceptedJwk): string {
  return `${jwk.alg ?? ''}.${jwk.e}.${jwk.n}`;
}
