import { sign, type KeyObject } from 'node:crypto';
import { signatureParameters } from './lib/signature-parameters.js';

export { SIGNING_ALGORITHMS } from './lib/signing-key-types.js';

/** JWS algorithms an issuer key can sign with (RFC 7518 §3, RFC 8037). */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/**
 * Signs JWS signing inputs for one key. The private key may live anywhere: in this process
 * ({@link createLocalSigner}), in a KMS or an HSM. The access-token signer only ever calls
 * `sign()` and never sees private material.
 *
 * An implementation must return the JWS signature bytes for `alg` (RFC 7518): RSASSA-PKCS1-v1_5
 * or RSASSA-PSS (salt length 32) over SHA-256 for RS256 / PS256, raw `r ‖ s` (64 bytes, not DER)
 * for ES256, the 64-byte Ed25519 signature for EdDSA.
 */
export interface Signer {
  /** RFC 7638 thumbprint of the public key; the JWS header's `kid`. */
  readonly kid: string;
  /** The one algorithm this key signs with; the JWS header's `alg`. */
  readonly alg: SigningAlgorithm;
  /** Length of every signature in bytes (the modulus length for RSA, 64 for ES256 and EdDSA). */
  readonly signatureBytes: number;
  /** Signs `data` (the ASCII JWS signing input). Must not block the event loop. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * A {@link Signer} over a private KeyObject held in this process. Signs with node's
 * `crypto.sign` in its callback form, which runs on libuv's threadpool: a login storm does
 * not stall the event loop (the JWKS endpoint and every other route keep answering).
 * Refuses a key whose type does not match `alg` (`ERR_INVALID_KEY`) and RSA under 2048 bits (`ERR_KEY_TOO_SMALL`).
 */
export function createLocalSigner(privateKey: KeyObject, kid: string, alg: SigningAlgorithm): Signer {
  const { hash, key, signatureBytes } = signatureParameters(privateKey, alg);
  return {
    kid,
    alg,
    signatureBytes,
    sign: (data) =>
      new Promise<Uint8Array>((resolve, reject) => {
        sign(hash, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
      }),
  };
}
