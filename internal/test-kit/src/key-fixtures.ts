import { exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

/** An RSA key pair for tests, with its public JWK (kid = RFC 7638 thumbprint) and private JWK. */
export interface TestKeyPair {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public members only, with kid, alg RS256 and use sig. */
  readonly publicJwk: JWK;
  /** Full private JWK, with kid. */
  readonly privateJwk: JWK;
}

/** Generates a fresh RSA key pair (2048 bits unless given) for signing test tokens. */
export async function createTestKeyPair(modulusLength = 2048): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, kid, alg: 'RS256', use: 'sig' },
    privateJwk,
  };
}
