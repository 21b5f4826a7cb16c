import { constants, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../signer.js';
import { assertKeyFitsAlgorithm } from './signing-key-types.js';

/** What node's `crypto.sign` and `crypto.verify` take for one key and algorithm. */
export interface SignatureParameters {
  /** Digest; `null` for EdDSA. */
  readonly hash: string | null;
  /** The key with its padding (PSS, salt length 32) or signature encoding (ES256: raw `r ‖ s`). */
  readonly key:
    | KeyObject
    | {
        readonly key: KeyObject;
        readonly padding?: number;
        readonly saltLength?: number;
        readonly dsaEncoding?: 'ieee-p1363';
      };
  /** Length of every signature in bytes. */
  readonly signatureBytes: number;
}

/**
 * The one place where a JWS algorithm becomes node signature parameters, for signing with a private
 * key (`kind` private) and for checking a remote signer's signatures with its public key (`kind`
 * public). Refuses a key that does not fit `alg` (see `assertKeyFitsAlgorithm`).
 */
export function signatureParameters(
  key: KeyObject,
  alg: SigningAlgorithm,
  kind: 'private' | 'public' = 'private',
): SignatureParameters {
  assertKeyFitsAlgorithm(key, alg, kind);
  if (alg === 'ES256') return { hash: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' }, signatureBytes: 64 };
  if (alg === 'EdDSA') return { hash: null, key, signatureBytes: 64 };
  const withPadding =
    alg === 'RS256'
      ? key
      : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return {
    hash: 'sha256',
    key: withPadding,
    signatureBytes: Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8),
  };
}
