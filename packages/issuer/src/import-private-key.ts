import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { IssuerError } from './issuer-error.js';
import type { StoredKey } from './key-store.js';

/** An RSA private key as a JWK with kid (RFC 7638 thumbprint), alg RS256 and use sig. */
export type RsaPrivateJwk = Pick<
  StoredKey,
  'kty' | 'kid' | 'alg' | 'use' | 'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'
>;

/** Smallest RSA modulus accepted for signing. */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Brings your own key: parses an RSA private key given as PEM (PKCS#8 `BEGIN PRIVATE KEY` or
 * PKCS#1 `BEGIN RSA PRIVATE KEY`) or as a private JWK (object or JSON string). Refuses, with an
 * {@link IssuerError}, anything that is not an RSA private key (`ERR_INVALID_KEY`) and moduli
 * under 2048 bits (`ERR_KEY_TOO_SMALL`). Hand the result to `createKeyRing({ initialKey })` or
 * `keyRing.addKey()`.
 */
export async function importPrivateKey(pemOrJwk: string | JWK): Promise<RsaPrivateJwk> {
  let key: KeyObject;
  try {
    if (typeof pemOrJwk === 'string' && pemOrJwk.trimStart().startsWith('{')) {
      key = createPrivateKey({ key: JSON.parse(pemOrJwk) as JsonWebKey, format: 'jwk' });
    } else if (typeof pemOrJwk === 'string') {
      key = createPrivateKey({ key: pemOrJwk, format: 'pem' });
    } else {
      key = createPrivateKey({ key: pemOrJwk as JsonWebKey, format: 'jwk' });
    }
  } catch (error) {
    throw new IssuerError('ERR_INVALID_KEY', 'not an unencrypted private key in PEM (PKCS#8 or PKCS#1) or JWK form', {
      cause: error,
    });
  }
  return fromKeyObject(key);
}

/** Converts an RSA private KeyObject into an {@link RsaPrivateJwk}, enforcing type and size. */
export async function fromKeyObject(key: KeyObject): Promise<RsaPrivateJwk> {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new IssuerError(
      'ERR_INVALID_KEY',
      `expected an RSA private key, got a ${key.asymmetricKeyType ?? key.type} ${key.type} key`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS) {
    throw new IssuerError(
      'ERR_KEY_TOO_SMALL',
      `RSA key has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} are required`,
    );
  }
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'sha256');
  const member = (name: string): string => {
    const value = jwk[name];
    if (typeof value !== 'string') throw new IssuerError('ERR_INVALID_KEY', `RSA private key lacks the ${name} member`);
    return value;
  };
  return {
    kty: 'RSA',
    kid,
    alg: 'RS256',
    use: 'sig',
    n: member('n'),
    e: member('e'),
    d: member('d'),
    p: member('p'),
    q: member('q'),
    dp: member('dp'),
    dq: member('dq'),
    qi: member('qi'),
  };
}
