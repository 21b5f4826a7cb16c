import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Bytes of the family id that leads every refresh token (a routing selector, not a secret). */
const FAMILY_ID_BYTES = 16;
/** Bytes of the secret part: 256 bits of randomness. */
const SECRET_BYTES = 32;
/** 64 base64url characters always decode to exactly 48 bytes, so the pattern is the whole check. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;
const SEAL_INFO = Buffer.from('jwks-kit refresh successor v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A new family id: 128 random bits, base64url (22 characters). */
export function newFamilyId(): string {
  return randomBytes(FAMILY_ID_BYTES).toString('base64url');
}

/** A new refresh token of `familyId`: base64url(family id bytes ‖ 256 random bits). */
export function newRefreshToken(familyId: string): string {
  return Buffer.concat([Buffer.from(familyId, 'base64url'), randomBytes(SECRET_BYTES)]).toString('base64url');
}

/** The family id carried by a well-formed token, or `undefined` when the token is malformed. */
export function familyIdOf(token: string): string | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return Buffer.from(token, 'base64url').subarray(0, FAMILY_ID_BYTES).toString('base64url');
}

/** SHA-256 of the token, base64url: the only form in which a store keeps a token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function sealKey(presentedToken: string, familyId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', presentedToken, familyId, SEAL_INFO, 32));
}

/**
 * Encrypts the successor with AES-256-GCM under a key derived (HKDF-SHA256) from the token it
 * replaces, so only a presenter of that old token can recover it during the grace window.
 */
export function sealSuccessor(presentedToken: string, familyId: string, successor: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(presentedToken, familyId), iv);
  cipher.setAAD(Buffer.from(familyId));
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Recovers a successor sealed by {@link sealSuccessor}; `undefined` when the seal does not open. */
export function openSuccessor(presentedToken: string, familyId: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(presentedToken, familyId), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(familyId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}
