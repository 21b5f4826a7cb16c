import { createPublicKey } from 'node:crypto';
import { importJWK } from 'jose';
import type { VerificationKey } from '../key-set.js';
import type { AcceptedJwk, RsaAlgorithm } from './jwks-parse.js';

/**
 * Imports a checked JWK once. A key bound to one algorithm (its own `alg`, or the single pinned one)
 * becomes a Web Crypto CryptoKey, the form jose verifies with directly; a key without `alg` under several
 * pinned algorithms becomes a KeyObject, which jose converts per algorithm and caches.
 */
export async function jwksImportKey(jwk: AcceptedJwk, algorithms: readonly RsaAlgorithm[]): Promise<VerificationKey> {
  const publicJwk = { kty: 'RSA', n: jwk.n, e: jwk.e };
  const alg = jwk.alg ?? (algorithms.length === 1 ? algorithms[0] : undefined);
  if (alg === undefined) return createPublicKey({ key: publicJwk, format: 'jwk' });
  return (await importJWK(publicJwk, alg)) as VerificationKey;
}

/** The identity of an imported key: same kid with the same material and algorithm reuses the import. */
export function jwksKeyFingerprint(jwk: AcceptedJwk): string {
  return `${jwk.alg ?? ''}.${jwk.e}.${jwk.n}`;
}
