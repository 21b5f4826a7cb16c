import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { jwkThumbprint } from '@jwks-kit/core';
import type { JWK } from 'jose';
import { IssuerError } from './issuer-error.js';
import {
  assertKeyFitsAlgorithm,
  defaultAlgorithmOf,
  isSigningAlgorithm,
  SIGNING_ALGORITHMS,
  SIGNING_KEY_TYPES,
} from './lib/signing-key-types.js';
import type { PrivateSigningJwk } from './private-signing-jwk.js';
import type { SigningAlgorithm } from './signer.js';

export { MIN_RSA_MODULUS_BITS } from './lib/signing-key-types.js';

/** Options of {@link importPrivateKey}. */
export type ImportPrivateKeyOptions = Readonly<{
  /**
   * The one algorithm the key will sign with; must fit the key (RS256 or PS256 for RSA, ES256
   * for P-256, EdDSA for Ed25519). @default the JWK's `alg` member, else RS256 / ES256 / EdDSA by key type
   */
  alg?: SigningAlgorithm;
}>;

/**
 * Brings your own key: parses a private key given as PEM (PKCS#8 `BEGIN PRIVATE KEY`, PKCS#1
 * `BEGIN RSA PRIVATE KEY`, SEC 1 `BEGIN EC PRIVATE KEY`) or as a private JWK (object or JSON
 * string) and binds it to one algorithm. Refuses, with an {@link IssuerError}, anything that is
 * not an RSA, P-256 or Ed25519 private key, or does not fit `alg` (`ERR_INVALID_KEY`), and RSA
 * moduli under 2048 bits (`ERR_KEY_TOO_SMALL`). Hand the result to `createKeyRing({ initialKey })`
 * or `keyRing.addKey()`.
 */
export async function importPrivateKey(
  pemOrJwk: string | JWK,
  options: ImportPrivateKeyOptions = {},
): Promise<PrivateSigningJwk> {
  if (options.alg !== undefined && !isSigningAlgorithm(options.alg))
    throw new TypeError(`option \`alg\` must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  let jwk: Record<string, unknown> | undefined;
  let key: KeyObject;
  try {
    if (typeof pemOrJwk === 'string' && pemOrJwk.trimStart().startsWith('{'))
      jwk = JSON.parse(pemOrJwk) as Record<string, unknown>;
    else if (typeof pemOrJwk !== 'string') jwk = pemOrJwk as Record<string, unknown>;
    key =
      jwk === undefined
        ? createPrivateKey({ key: pemOrJwk as string, format: 'pem' })
        : createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new IssuerError(
      'ERR_INVALID_KEY',
      'not an unencrypted private key in PEM (PKCS#8, PKCS#1 or SEC 1) or JWK form',
      { cause: error },
    );
  }
  const jwkAlg = jwk?.alg;
  if (jwkAlg !== undefined && !isSigningAlgorithm(jwkAlg))
    throw new IssuerError(
      'ERR_INVALID_KEY',
      `the JWK's alg ${String(jwkAlg)} is not one of ${SIGNING_ALGORITHMS.join(', ')}`,
    );
  if (options.alg !== undefined && jwkAlg !== undefined && jwkAlg !== options.alg)
    throw new IssuerError('ERR_INVALID_KEY', `the JWK is bound to ${jwkAlg}, not ${options.alg}`);
  return fromKeyObject(key, options.alg ?? jwkAlg);
}

/**
 * Converts a private KeyObject into a {@link PrivateSigningJwk} bound to `alg` (by default the
 * key type's: RS256, ES256, EdDSA), enforcing type, curve and size.
 */
export async function fromKeyObject(key: KeyObject, alg?: SigningAlgorithm): Promise<PrivateSigningJwk> {
  const chosen = alg ?? defaultAlgorithmOf(key);
  if (chosen === undefined) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new IssuerError(
      'ERR_INVALID_KEY',
      `expected an RSA, P-256 or Ed25519 private key, got a ${key.asymmetricKeyType ?? key.type}${curve ? ` ${curve}` : ''} ${key.type} key`,
    );
  }
  assertKeyFitsAlgorithm(key, chosen);
  const type = SIGNING_KEY_TYPES[chosen];
  const exported = key.export({ format: 'jwk' }) as Record<string, unknown>;
  const members: Record<string, string> = {};
  for (const name of [...type.publicMembers, ...type.privateMembers]) {
    const value = exported[name];
    if (typeof value !== 'string')
      throw new IssuerError('ERR_INVALID_KEY', `${type.kty} private key lacks the ${name} member`);
    members[name] = value;
  }
  const kid = jwkThumbprint({ ...members, kty: type.kty, ...(type.crv ? { crv: type.crv } : {}) });
  return {
    kty: type.kty,
    ...(type.crv ? { crv: type.crv } : {}),
    kid,
    alg: chosen,
    use: 'sig',
    ...members,
  } as PrivateSigningJwk;
}
