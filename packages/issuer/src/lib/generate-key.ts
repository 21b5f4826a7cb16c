import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { fromKeyObject, type RsaPrivateJwk } from '../import-private-key.js';

const generate = promisify(generateKeyPair);

/** Generates an RS256 key pair off the main thread (libuv pool) and returns its private JWK. */
export async function generateRsaKey(modulusLength: number): Promise<RsaPrivateJwk> {
  const { privateKey } = await generate('rsa', { modulusLength, publicExponent: 0x10001 });
  return fromKeyObject(privateKey);
}
