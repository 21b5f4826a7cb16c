import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** Shortest HS256 secret accepted: 256 bits of key material (RFC 7518 §3.2: at least the hash size). */
export const MIN_HS256_SECRET_BYTES = 32;

/** The HS256 key of a single-service signer: no kid (nothing is published), 32-byte signatures. */
export interface HmacSigningKey {
  readonly kid: undefined;
  readonly alg: 'HS256';
  readonly signatureBytes: 32;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Checks `secret` (a Uint8Array of at least 32 bytes; a string is refused, since its entropy is
 * unknown) and prepares it once as a secret KeyObject. Throws a TypeError naming `option`.
 */
export function toHs256Secret(secret: unknown, option: string): KeyObject {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_HS256_SECRET_BYTES) {
    throw new TypeError(
      `${option} must be a Uint8Array of at least ${MIN_HS256_SECRET_BYTES} bytes (256 bits of key material, e.g. randomBytes(32)); ` +
        'strings are refused: decode a base64url secret first',
    );
  }
  return createSecretKey(Buffer.from(secret));
}

/** An HS256 signing key over a prepared secret (HMAC-SHA-256 by node's crypto). */
export function createHmacSigningKey(secret: KeyObject): HmacSigningKey {
  return {
    kid: undefined,
    alg: 'HS256',
    signatureBytes: 32,
    sign: async (data) => createHmac('sha256', secret).update(data).digest(),
  };
}
