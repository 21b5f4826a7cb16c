import { createHash } from 'node:crypto';

/** The `ath` of a DPoP proof (RFC 9449 §4.2): the base64url SHA-256 of the access token's ASCII bytes. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'latin1').digest('base64url');
}
