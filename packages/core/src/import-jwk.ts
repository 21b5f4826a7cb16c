import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { CheckedPublicJwk } from './check-jwk.js';
import type { JwsAlgorithm } from './jws-algorithms.js';

/** The one algorithm each key imported by {@link importJwk} verifies under. */
const boundAlgorithms = new WeakMap<KeyObject, JwsAlgorithm>();

/**
 * Imports a checked JWK once, as a public KeyObject built from its public members only, and binds
 * the key to its algorithm (read back with {@link jwkAlgorithm}). Throws a TypeError (the crypto
 * error as `cause`) when Node cannot build a key from the members.
 */
export function importJwk(jwk: CheckedPublicJwk): KeyObject {
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

/** Shortest HS256 secret accepted anywhere (signing and verifying): 256 bits of key material (RFC 7518 §3.2). */
export const MIN_HS256_SECRET_BYTES = 32;

/**
 * Prepares a configured HS256 secret once: a secret KeyObject (a copy of the bytes) bound to HS256. The
 * only way an `oct` key exists in jwks-kit: never from a JWK, never from anything published. Throws a
 * TypeError naming `optionName` unless `secret` is a Uint8Array of at least {@link MIN_HS256_SECRET_BYTES}
 * bytes (a string is refused: its entropy is unknown).
 */
export function importHs256Secret(secret: unknown, optionName = 'secret'): KeyObject {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_HS256_SECRET_BYTES) {
    throw new TypeError(
      `option \`${optionName}\` must be a Uint8Array of at least ${MIN_HS256_SECRET_BYTES} bytes (256 bits of key ` +
        'material, e.g. randomBytes(32)); strings are refused: decode a base64url secret first',
    );
  }
  const key = createSecretKey(Buffer.from(secret));
  boundAlgorithms.set(key, 'HS256');
  return key;
}
