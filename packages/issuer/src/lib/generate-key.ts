import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { fromKeyObject } from '../import-private-key.js';
import type { PrivateSigningJwk } from '../private-signing-jwk.js';
import type { SigningAlgorithm } from '../signer.js';

const generate = promisify(generateKeyPair);

/** Generates a key pair for `alg` off the main thread (libuv pool) and returns its private JWK. */
export async function generateSigningKey(alg: SigningAlgorithm, modulusLength: number): Promise<PrivateSigningJwk> {
  let privateKey: KeyObject;
  if (alg === 'ES256') ({ privateKey } = await generate('ec', { namedCurve: 'P-256' }));
  else if (alg === 'EdDSA') ({ privateKey } = await generate('ed25519', {}));
  else ({ privateKey } = await generate('rsa', { modulusLength, publicExponent: 0x10001 }));
  return fromKeyObject(privateKey, alg);
}
