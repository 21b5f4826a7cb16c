import { constants, KeyObject, verify } from 'node:crypto';
import { jwsAlgorithmEntry, MIN_RSA_MODULUS_BITS } from '@jwks-kit/core';

/** Modulus length in bytes of each public RSA KeyObject of at least 2048 bits met so far (KeyObjects are immutable). */
const MODULUS_BYTES = new WeakMap<KeyObject, number>();

/** The modulus length in bytes of a public RSA KeyObject of at least 2048 bits; undefined for any other key. */
function rsaModulusBytes(key: KeyObject): number | undefined {
  if (!(key instanceof KeyObject)) return undefined;
  const known = MODULUS_BYTES.get(key);
  if (known !== undefined) return known;
  if (key.type !== 'public' || key.asymmetricKeyType !== 'rsa') return undefined;
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined || modulusBits < MIN_RSA_MODULUS_BITS) return undefined;
  const bytes = Math.ceil(modulusBits / 8);
  MODULUS_BYTES.set(key, bytes);
  return bytes;
}

/**
 * Checks a compact JWS signature with Node's `crypto.verify` (OpenSSL does the RSA). `signingInput`
 * is the token's exact `header.payload` text and `signatureB64u` its third segment (the verifier has
 * already proven both canonical base64url; this function still refuses a signature segment that is not
 * exactly the unpadded base64url length of the modulus). Answers `false` (never throws) for an algorithm
 * outside RS256/384/512 and PS256/384/512, a key that is not a public RSA KeyObject of at least
 * 2048 bits, a signature whose length is not the modulus length, or a signature that does not verify.
 */
export function verifyJwsSignature(alg: string, signingInput: string, signatureB64u: string, key: KeyObject): boolean {
  const entry = jwsAlgorithmEntry(alg);
  if (entry === undefined || entry.kty !== 'RSA') return false;
  const modulusBytes = rsaModulusBytes(key);
  if (modulusBytes === undefined) return false;
  // The exact unpadded length, and the exact decoded length: a character outside base64url (which
  // Buffer.from skips) shortens the decoded signature, so it is refused here without a second regex.
  if (signatureB64u.length !== Math.ceil((modulusBytes * 4) / 3)) return false;
  const signature = Buffer.from(signatureB64u, 'base64url');
  if (signature.length !== modulusBytes) return false;
  const data = Buffer.from(signingInput, 'latin1');
  try {
    // a bare KeyObject verifies RSA with PKCS#1 v1.5 padding (Node's default), without an options object
    if (entry.pssSaltLength === undefined) return verify(entry.hash, data, key, signature);
    return verify(
      entry.hash,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.pssSaltLength },
      signature,
    );
  } catch {
    return false;
  }
}
