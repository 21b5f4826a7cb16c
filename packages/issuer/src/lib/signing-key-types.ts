import type { KeyObject } from 'node:crypto';
import { jwkKeyType, jwsAlgorithmEntry, MIN_RSA_MODULUS_BITS } from '@jwks-kit/core';
import { IssuerError } from '../issuer-error.js';
import type { SigningAlgorithm } from '../signer.js';

export { MIN_RSA_MODULUS_BITS } from '@jwks-kit/core';

/**
 * What a key of one signing algorithm is. Its JWK type, curve and public members come from the JWK
 * key-type table of `@jwks-kit/core` (the one a verifier checks the published key against); the issuer
 * adds what only a signer needs: node's key type and the private members.
 */
export interface SigningKeyType {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** JWK `crv` (EC and OKP keys). */
  readonly crv?: 'P-256' | 'Ed25519';
  /** node's `KeyObject.asymmetricKeyType`. */
  readonly nodeType: 'rsa' | 'ec' | 'ed25519';
  /** node's `asymmetricKeyDetails.namedCurve` (EC keys). */
  readonly namedCurve?: 'prime256v1';
  /** Public members besides kty and crv: what the JWKS publishes and the thumbprint hashes. */
  readonly publicMembers: readonly string[];
  /** Private members: what never leaves the key store (sealed in Redis). */
  readonly privateMembers: readonly string[];
  /** For messages: "RSA ≥ 2048 bits", "P-256", "Ed25519". */
  readonly label: string;
}

/** One signing key type, its JWK part read from core's tables for `alg`. */
function keyType(
  alg: SigningAlgorithm,
  signer: Pick<SigningKeyType, 'nodeType' | 'namedCurve' | 'privateMembers' | 'label'>,
): SigningKeyType {
  const entry = jwsAlgorithmEntry(alg);
  const row = entry && jwkKeyType({ kty: entry.kty, crv: entry.crv });
  if (!row || row.kty === 'oct') throw new Error(`@jwks-kit/core has no JWK key type for ${alg}`);
  return Object.freeze({
    kty: row.kty as SigningKeyType['kty'],
    ...(row.crv === undefined ? {} : { crv: row.crv as SigningKeyType['crv'] }),
    publicMembers: row.publicMembers.filter((member) => member !== 'crv'),
    ...signer,
  });
}

const RSA_SIGNER = {
  nodeType: 'rsa',
  privateMembers: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
  label: `RSA ≥ ${MIN_RSA_MODULUS_BITS} bits`,
} as const;

/** The one table of signing algorithms and their key types: every issuer path (import, generate, store, publish, sign) reads it. */
export const SIGNING_KEY_TYPES: Readonly<Record<SigningAlgorithm, SigningKeyType>> = Object.freeze({
  RS256: keyType('RS256', RSA_SIGNER),
  PS256: keyType('PS256', RSA_SIGNER),
  ES256: keyType('ES256', { nodeType: 'ec', namedCurve: 'prime256v1', privateMembers: ['d'], label: 'P-256' }),
  EdDSA: keyType('EdDSA', { nodeType: 'ed25519', privateMembers: ['d'], label: 'Ed25519' }),
});

/** Every algorithm the issuer signs with. */
export const SIGNING_ALGORITHMS = Object.freeze(Object.keys(SIGNING_KEY_TYPES) as SigningAlgorithm[]);

/** Whether `value` names a {@link SigningAlgorithm}. */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && Object.hasOwn(SIGNING_KEY_TYPES, value);
}

/** The algorithm a key signs with when none is chosen: RS256 for RSA, ES256 for P-256, EdDSA for Ed25519. */
export function defaultAlgorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  return SIGNING_ALGORITHMS.find((alg) => fits(key, SIGNING_KEY_TYPES[alg]));
}

/**
 * Throws unless `key` is a `kind` key (private by default; public for a remote signer's key) of the
 * type `alg` runs with: `ERR_INVALID_KEY` for another key type, curve or kind, `ERR_KEY_TOO_SMALL`
 * for RSA under {@link MIN_RSA_MODULUS_BITS}.
 */
export function assertKeyFitsAlgorithm(
  key: KeyObject,
  alg: SigningAlgorithm,
  kind: 'private' | 'public' = 'private',
): void {
  const type = SIGNING_KEY_TYPES[alg];
  if (key.type !== kind || !fits(key, type)) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new IssuerError(
      'ERR_INVALID_KEY',
      `a ${key.asymmetricKeyType ?? key.type}${curve ? ` ${curve}` : ''} ${key.type} key cannot sign ${alg} (${alg} needs a ${kind} ${type.label} key)`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (type.nodeType === 'rsa' && bits < MIN_RSA_MODULUS_BITS) {
    throw new IssuerError(
      'ERR_KEY_TOO_SMALL',
      `RSA key has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} are required`,
    );
  }
}

function fits(key: KeyObject, type: SigningKeyType): boolean {
  return (
    key.asymmetricKeyType === type.nodeType &&
    (type.namedCurve === undefined || key.asymmetricKeyDetails?.namedCurve === type.namedCurve)
  );
}
