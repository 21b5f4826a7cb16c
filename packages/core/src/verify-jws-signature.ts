import { constants, createHmac, KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { decodeBase64url } from './decode-base64url.js';
import { jwsAlgorithmEntry, type JwsAlgorithmEntry } from './jws-algorithms.js';
import { MIN_RSA_MODULUS_BITS } from './jwk-key-types.js';
import { isP256SignatureInRange } from './p256-signature.js';

/** What a KeyObject can verify, and the length of its signatures: worked out once per key (KeyObjects are immutable). */
interface KeyShape {
  readonly kty: JwsAlgorithmEntry['kty'];
  readonly signatureBytes: number;
}

const SHAPES = new WeakMap<KeyObject, KeyShape | null>();

/**
 * The key type a KeyObject verifies as, with its signature length: a public RSA key of at least 2048
 * bits (the modulus length), a public P-256 key (64), a public Ed25519 key (64) or a secret (32, HS256);
 * `null` for anything else (a private key, RSA under 2048 bits, P-384, Ed448, …).
 */
function shapeOf(key: KeyObject): KeyShape | null {
  const known = SHAPES.get(key);
  if (known !== undefined) return known;
  let shape: KeyShape | null = null;
  const details = key.asymmetricKeyDetails;
  if (key.type === 'secret') shape = { kty: 'oct', signatureBytes: 32 };
  else if (key.type === 'public' && key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    if (bits >= MIN_RSA_MODULUS_BITS) shape = { kty: 'RSA', signatureBytes: Math.ceil(bits / 8) };
  } else if (key.type === 'public' && key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1')
    shape = { kty: 'EC', signatureBytes: 64 };
  else if (key.type === 'public' && key.asymmetricKeyType === 'ed25519') shape = { kty: 'OKP', signatureBytes: 64 };
  SHAPES.set(key, shape);
  return shape;
}

/**
 * Checks a compact JWS signature with Node's `crypto` (OpenSSL does the arithmetic). `signingInput`
 * is the token's exact `header.payload` text and `signatureB64u` its third segment, refused unless it is
 * unpadded base64url (see {@link decodeBase64url}) of exactly the algorithm's signature length. Answers
 * `false` (never throws) for an algorithm outside the table, a key of another type than the algorithm's,
 * a signature of the wrong length, or a signature that does not verify:
 * - RS* / PS*: a public RSA KeyObject of at least 2048 bits, a signature of the modulus length;
 * - ES256: a public P-256 KeyObject, a raw `r ‖ s` of 64 bytes (never DER) with r and s in [1, n − 1],
 *   checked before `crypto.verify` (CVE-2022-21449 class);
 * - EdDSA: a public Ed25519 KeyObject, 64 bytes;
 * - HS256: a secret KeyObject (only ever the configured secret), 32 bytes, compared in constant time.
 */
export function verifyJwsSignature(alg: string, signingInput: string, signatureB64u: string, key: KeyObject): boolean {
  const signature = decodeBase64url(signatureB64u);
  return signature !== undefined && verifyJwsSignatureBytes(alg, signingInput, signature, key);
}

/**
 * {@link verifyJwsSignature} of a signature already decoded, e.g. by `decodeCompactJws` (which proved its
 * segment canonical base64url): the same rules, without decoding the segment a second time.
 */
export function verifyJwsSignatureBytes(alg: string, signingInput: string, signature: Buffer, key: KeyObject): boolean {
  const entry = jwsAlgorithmEntry(alg);
  if (entry === undefined || !(key instanceof KeyObject)) return false;
  const shape = shapeOf(key);
  if (shape === null || shape.kty !== entry.kty) return false;
  if (signature.length !== shape.signatureBytes) return false;
  const data = Buffer.from(signingInput, 'latin1');
  try {
    switch (entry.kty) {
      case 'RSA':
        // a bare KeyObject verifies RSA with PKCS#1 v1.5 padding (Node's default), without an options object
        if (entry.pssSaltLength === undefined) return verify(entry.hash, data, key, signature);
        return verify(
          entry.hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.pssSaltLength },
          signature,
        );
      case 'EC':
        return (
          isP256SignatureInRange(signature) && verify(entry.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        );
      case 'OKP':
        return verify(null, data, key, signature);
      case 'oct':
        return timingSafeEqual(
          createHmac(entry.hash as string, key)
            .update(data)
            .digest(),
          signature,
        );
    }
  } catch {
    return false;
  }
}
