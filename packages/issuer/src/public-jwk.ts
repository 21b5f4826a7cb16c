import type { StoredKey } from './key-store.js';
import type { SigningAlgorithm } from './signer.js';
import { SIGNING_KEY_TYPES } from './lib/signing-key-types.js';

/**
 * The public members of a signing key as published in a JWKS: kty, the key type's public members
 * (RSA: n, e; EC: crv, x, y; OKP: crv, x), kid, alg and use.
 */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly crv?: 'P-256' | 'Ed25519';
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly use: 'sig';
}

/** Copies only the public members named by the key type, kid, alg and use: an allow-list, so no private member can slip through. */
export function toPublicJwk(key: StoredKey): PublicJwk {
  const type = SIGNING_KEY_TYPES[key.alg];
  const jwk: Record<string, string> = { kty: type.kty };
  if (type.crv) jwk.crv = type.crv;
  for (const name of type.publicMembers) jwk[name] = (key as unknown as Record<string, string>)[name]!;
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' } as PublicJwk;
}
