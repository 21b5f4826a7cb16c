import type { StoredKey } from '../key-store.js';

/** The public members of an RS256 key as published in a JWKS. */
export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

/** Copies only kty, n, e, kid, alg and use: an allow-list, so no private member can slip through. */
export function toPublicJwk(key: StoredKey): PublicJwk {
  return { kty: 'RSA', n: key.n, e: key.e, kid: key.kid, alg: 'RS256', use: 'sig' };
}
