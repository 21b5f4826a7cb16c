import { constants, createHmac, sign, type KeyObject } from 'node:crypto';
import type { TestClock, TestKeyPair } from '@jwks-kit/test-kit';

/** How a crafted token is signed: a real RSA signature, a real signature under any algorithm, an HMAC, a fixed signature, or none. */
export type Signing =
  | { readonly rsa: 'RS256' | 'RS384' | 'RS512' | 'PS256'; readonly key: KeyObject }
  | { readonly jws: string; readonly key: KeyObject }
  | { readonly hmacSecret: string | Buffer }
  | { readonly signature: string };

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Builds a compact JWS from any header and payload (objects are JSON-encoded, strings taken as is). */
export function craftToken(header: object | string, payload: object | string, signing: Signing): string {
  const encode = (part: object | string) => b64(typeof part === 'string' ? part : JSON.stringify(part));
  const input = `${encode(header)}.${encode(payload)}`;
  if ('signature' in signing) return `${input}.${signing.signature}`;
  if ('hmacSecret' in signing)
    return `${input}.${createHmac('sha256', signing.hmacSecret).update(input).digest('base64url')}`;
  if ('jws' in signing) return `${input}.${signJws(signing.jws, input, signing.key)}`;
  const hash = signing.rsa === 'RS384' ? 'sha384' : signing.rsa === 'RS512' ? 'sha512' : 'sha256';
  const key =
    signing.rsa === 'PS256'
      ? { key: signing.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : signing.key;
  return `${input}.${sign(hash, Buffer.from(input), key).toString('base64url')}`;
}

/**
 * A signature of `input` under `alg` with `key` as node's crypto makes it (ES256: raw `r ‖ s`). A key
 * that cannot run `alg` (an EC key under PS256) gives whatever `crypto.sign` gives, or a fixed
 * 64-byte signature when it refuses: a token the verifier must refuse either way.
 */
export function signJws(alg: string, input: string, key: KeyObject): string {
  const hash = alg.endsWith('384') ? 'sha384' : alg.endsWith('512') ? 'sha512' : 'sha256';
  try {
    if (alg === 'EdDSA') return sign(null, Buffer.from(input), key).toString('base64url');
    if (alg.startsWith('ES'))
      return sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    if (alg.startsWith('PS'))
      return sign(hash, Buffer.from(input), {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(hash.slice(3)) / 8,
      }).toString('base64url');
    return sign(hash, Buffer.from(input), key).toString('base64url');
  } catch {
    return Buffer.alloc(64, 7).toString('base64url');
  }
}

/** Test issuer and audience. */
export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://orders.example.com';

/** A valid access token's header and claims, for a key pair at the clock's time (5 minutes lifetime). */
export function validParts(
  pair: TestKeyPair,
  clock: TestClock,
): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const iat = clock.nowSeconds();
  return {
    header: { alg: 'RS256', typ: 'at+jwt', kid: pair.kid },
    claims: {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      jti: `jti-${Math.random().toString(36).slice(2)}`,
      client_id: 'web',
      scope: 'orders:read profile:read',
      iat,
      exp: iat + 300,
    },
  };
}

/** A valid RS256 access token, with header members and claims overridden (`undefined` removes one). */
export function accessToken(
  pair: TestKeyPair,
  clock: TestClock,
  overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  const parts = validParts(pair, clock);
  return craftToken(strip({ ...parts.header, ...overrides.header }), strip({ ...parts.claims, ...overrides.claims }), {
    rsa: 'RS256',
    key: pair.privateKey,
  });
}

function strip(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined));
}
