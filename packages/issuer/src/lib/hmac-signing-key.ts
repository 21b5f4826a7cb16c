import { createHmac, type KeyObject } from 'node:crypto';

export { importHs256Secret, MIN_HS256_SECRET_BYTES } from '@jwks-kit/core';

/** The HS256 key of a single-service signer: no kid (nothing is published), 32-byte signatures. */
export interface HmacSigningKey {
  readonly kid: undefined;
  readonly alg: 'HS256';
  readonly signatureBytes: 32;
  sign(data: Uint8Array): Promise<Uint8Array>;
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
