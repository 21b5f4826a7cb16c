import { createPublicKey } from 'node:crypto';
import { JWS_ALGORITHMS, jwsAlgorithmEntry, type JwsAlgorithm } from './jws-algorithms.js';

/** Why a JWK is not used. */
export type JwkRefusalReason =
  /** `kid` missing, not a string, empty or longer than {@link MAX_KID_LENGTH} characters. */
  | 'kid'
  /** No pinned algorithm runs with this key type (and curve): an unknown `kty`, `oct`, or e.g. RSA while only other types are pinned. */
  | 'kty'
  /** `use` is present and not `sig`, or `key_ops` is present without `verify`. */
  | 'use'
  /** `alg` is present and not a pinned algorithm of the key's type, or absent while several pinned algorithms could apply. */
  | 'alg'
  /** The key is too small or too large (RSA: a modulus outside 2048–16384 bits). */
  | 'size'
  /** A public member is missing or malformed (RSA: `n` or `e` not base64url, `e` not an odd integer ≥ 3). */
  | 'invalid';

/** A refused JWK: the reason, the member at fault and a sentence that names it (no key material in it). */
export interface JwkRefusal {
  readonly reason: JwkRefusalReason;
  /** The JWK member at fault (`kid`, `kty`, `use`, `key_ops`, `alg`, `n`, `e`, …). */
  readonly member: string;
  /** Completes "`<member>` …", e.g. `must be "sig" when present`. */
  readonly message: string;
}

/** How one key type is checked. One row per `kty` (and curve) a JWKS may carry. */
export interface JwkKeyType {
  readonly kty: string;
  /** The curve, for key types that have one (EC, OKP). */
  readonly crv?: string;
  /** The public members, in the order the key is rebuilt from (nothing else is imported). */
  readonly publicMembers: readonly string[];
  /** Checks the public members; a refusal (`invalid` or `size`) when they cannot make a key. */
  readonly checkMembers: (jwk: Readonly<Record<string, unknown>>) => JwkRefusal | undefined;
  /** `false` for `oct`: an HMAC key comes only from a configured secret, never from a JWK (Set). */
  readonly fromJwk: boolean;
}

/** Longest `kid` a key (and a token header) may carry. */
export const MAX_KID_LENGTH = 256;
/** Smallest RSA modulus accepted anywhere (signing, publishing, verifying). */
export const MIN_RSA_MODULUS_BITS = 2048;
/** Largest RSA modulus accepted (bounds the work of one verification). */
export const MAX_RSA_MODULUS_BITS = 16384;
/** JWK members that only a private (or symmetric) key has: a set carrying any of them is refused as a whole. */
export const PRIVATE_JWK_MEMBERS: readonly string[] = Object.freeze([
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'oth',
  'k',
  'priv',
]);

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The key types a JWKS may carry (RSA, EC P-256, OKP Ed25519), and `oct`, which it may not. Adding one is
 * a row here plus its algorithm rows in the JWS algorithm table.
 */
const KEY_TYPES: readonly JwkKeyType[] = Object.freeze<JwkKeyType[]>([
  { kty: 'RSA', publicMembers: ['e', 'n'], checkMembers: checkRsaMembers, fromJwk: true },
  {
    kty: 'EC',
    crv: 'P-256',
    publicMembers: ['crv', 'x', 'y'],
    checkMembers: checkCurvePoint(['x', 'y']),
    fromJwk: true,
  },
  { kty: 'OKP', crv: 'Ed25519', publicMembers: ['crv', 'x'], checkMembers: checkCurvePoint(['x']), fromJwk: true },
  {
    kty: 'oct',
    publicMembers: [],
    checkMembers: () => ({ reason: 'kty', member: 'kty', message: OCT_REFUSAL }),
    fromJwk: false,
  },
]);

/** Why an `oct` JWK is never used: HS256 keys come from the `secret` option only. */
export const OCT_REFUSAL = 'must not be "oct": an HMAC secret comes only from a configured secret, never from a JWK';

/** The row for a JWK's `kty` (and `crv`), or `undefined` when no row fits. */
export function jwkKeyType(jwk: Readonly<Record<string, unknown>>): JwkKeyType | undefined {
  return KEY_TYPES.find((row) => row.kty === jwk.kty && (row.crv === undefined || row.crv === jwk.crv));
}

/** The algorithms a key of `row`'s type runs with, in table order. */
export function keyTypeAlgorithms(row: JwkKeyType): readonly JwsAlgorithm[] {
  return JWS_ALGORITHMS.filter((alg) => {
    const entry = jwsAlgorithmEntry(alg);
    return entry?.kty === row.kty && entry.crv === row.crv;
  });
}

/** The bit length of a base64url RSA modulus (leading zero bytes not counted). */
export function rsaModulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start] as number));
}

function checkRsaMembers(jwk: Readonly<Record<string, unknown>>): JwkRefusal | undefined {
  const { n, e } = jwk;
  if (typeof n !== 'string' || !BASE64URL.test(n))
    return { reason: 'invalid', member: 'n', message: 'must be the base64url RSA modulus' };
  if (typeof e !== 'string' || !BASE64URL.test(e) || !isValidExponent(e))
    return { reason: 'invalid', member: 'e', message: 'must be a base64url odd RSA exponent of at least 3' };
  const bits = rsaModulusBits(n);
  if (bits < MIN_RSA_MODULUS_BITS || bits > MAX_RSA_MODULUS_BITS) {
    return {
      reason: 'size',
      member: 'n',
      message: `must be a modulus of ${MIN_RSA_MODULUS_BITS} to ${MAX_RSA_MODULUS_BITS} bits (this one has ${bits})`,
    };
  }
  return undefined;
}

/**
 * Checks the coordinates of a P-256 or Ed25519 public key: each exactly 32 bytes of canonical base64url,
 * and a point Node accepts (`createPublicKey` refuses a P-256 point off the curve): the key is refused
 * here, with reason `invalid`, instead of failing at import.
 */
function checkCurvePoint(coordinates: readonly string[]) {
  return (jwk: Readonly<Record<string, unknown>>): JwkRefusal | undefined => {
    for (const member of coordinates) {
      const value = jwk[member];
      if (typeof value !== 'string' || value.length !== 43 || !BASE64URL.test(value))
        return { reason: 'invalid', member, message: 'must be a 32-byte base64url coordinate' };
      if (Buffer.from(value, 'base64url').toString('base64url') !== value)
        return { reason: 'invalid', member, message: 'must be canonical base64url' };
    }
    try {
      createPublicKey({
        key: Object.fromEntries(['kty', 'crv', ...coordinates].map((m) => [m, jwk[m]])),
        format: 'jwk',
      });
    } catch {
      return { reason: 'invalid', member: coordinates[0] as string, message: `must be a point of ${String(jwk.crv)}` };
    }
    return undefined;
  };
}

function isValidExponent(e: string): boolean {
  if (e.length > 12) return false;
  const value = BigInt(`0x${Buffer.from(e, 'base64url').toString('hex') || '0'}`);
  return value >= 3n && value % 2n === 1n;
}
