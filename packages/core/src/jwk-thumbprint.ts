import { createHash } from 'node:crypto';
import { jwkKeyType } from './jwk-key-types.js';

/**
 * The RFC 7638 input of a JWK: its required members (`kty` plus the public members of its type: RSA
 * `e`, `n`; EC `crv`, `x`, `y`; OKP `crv`, `x`) in lexicographic order, as JSON without whitespace.
 * Throws a TypeError for a key type jwks-kit does not use (including `oct`) or a missing member.
 */
export function jwkThumbprintInput(jwk: Readonly<Record<string, unknown>>): string {
  const row = jwkKeyType(jwk);
  if (row === undefined || !row.fromJwk)
    throw new TypeError('jwkThumbprint needs an RSA, EC P-256 or OKP Ed25519 public JWK');
  const members = ['kty', ...row.publicMembers].sort();
  const required: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') throw new TypeError(`jwkThumbprint: member \`${member}\` must be a string`);
    required[member] = value;
  }
  return JSON.stringify(required);
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public (or private: only the public members count) JWK, in
 * base64url: a key's `kid` in jwks-kit, and a DPoP proof key's `jkt` (RFC 9449 §6). Throws as
 * {@link jwkThumbprintInput} does.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(jwkThumbprintInput(jwk)).digest('base64url');
}
