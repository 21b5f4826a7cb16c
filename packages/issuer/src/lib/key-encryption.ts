import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { IssuerError } from '../issuer-error.js';

const AAD_LABEL = 'jwks-kit:private-key:v1';

/** A key-encryption key (32 bytes, AES-256-GCM) and its public identifier. */
export interface Kek {
  readonly id: string;
  readonly key: Buffer;
}

/** Identifies a KEK without revealing it: the first 12 bytes of SHA-256 over a label and the key. */
export function toKek(key: Uint8Array, option: string): Kek {
  if (!(key instanceof Uint8Array) || key.byteLength !== 32)
    throw new TypeError(`${option} must be a 32-byte Buffer (AES-256 key-encryption key)`);
  const buffer = Buffer.from(key);
  const id = createHash('sha256')
    .update('jwks-kit:kek-id')
    .update(buffer)
    .digest()
    .subarray(0, 12)
    .toString('base64url');
  return { id, key: buffer };
}

function aad(kid: string, state: string): Buffer {
  return Buffer.from(`${AAD_LABEL}|${kid}|${state}`);
}

/** Seals `plaintext` under `kek` with kid and state bound as associated data: `kekId.iv.tag.ciphertext`. */
export function sealPrivatePart(kek: Kek, kid: string, state: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(aad(kid, state));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [kek.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

/**
 * Opens a sealed private part with whichever of `keks` sealed it. Throws `ERR_KEK_MISMATCH` when none
 * of them did, `ERR_KEY_RECORD_TAMPERED` when the record does not authenticate for this kid and state.
 */
export function openPrivatePart(keks: readonly Kek[], kid: string, state: string, sealed: string): string {
  const [kekId, iv, tag, body] = sealed.split('.');
  const kek = keks.find((candidate) => candidate.id === kekId);
  if (!kek)
    throw new IssuerError(
      'ERR_KEK_MISMATCH',
      `key ${kid} is sealed under a key-encryption key that was not configured (id ${kekId}): refusing to start with a new key ring`,
    );
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAAD(aad(kid, state));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new IssuerError(
      'ERR_KEY_RECORD_TAMPERED',
      `sealed private part of key ${kid} (state ${state}) does not authenticate: the record was altered or swapped`,
      { cause: error },
    );
  }
}
