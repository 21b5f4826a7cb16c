import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CheckedJwk } from './check-jwk.js';
import type { JwsAlgorithm } from './jws-algorithms.js';

/** The one algorithm each key imported by {@link importJwk} verifies under. */
const boundAlgorithms = new WeakMap<KeyObject, JwsAlgorithm>();

/**
 * Imports a checked JWK once, as a public KeyObject built from its public members only, and binds
 * the key to its algorithm (read back with {@link jwkAlgorithm}). Throws a TypeError (the crypto
 * error as `cause`) when Node cannot build a key from the members.
 */
export function importJwk(jwk: CheckedJwk): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { ...jwk.publicJwk }, format: 'jwk' });
  } catch (cause) {
    throw new TypeError(`the ${jwk.kty} members do not make a public key`, { cause });
  }
  boundAlgorithms.set(key, jwk.alg);
  return key;
}

/**
 * The algorithm a key imported by {@link importJwk} is bound to; `undefined` for a KeyObject imported
 * elsewhere (a caller's own KeySet), which the pinned algorithms and its key type then decide.
 */
export function jwkAlgorithm(key: KeyObject): JwsAlgorithm | undefined {
  return boundAlgorithms.get(key);
}
