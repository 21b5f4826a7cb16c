import { KeySetError } from '../key-set-error.js';

/** RSA signature algorithms a key cache may pin. */
export const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

/** One of {@link RSA_ALGORITHMS}. */
export type RsaAlgorithm = (typeof RSA_ALGORITHMS)[number];

/** Why a key of an otherwise valid set was left out. */
export type SkippedKeyReason =
  /** `kid` missing, not a string, empty or longer than 256 characters. */
  | 'kid'
  /** `kty` is not `RSA`. */
  | 'kty'
  /** `use` is present and not `sig`, or `key_ops` is present without `verify`. */
  | 'use'
  /** `alg` is present and not one of the pinned algorithms. */
  | 'alg'
  /** The modulus is shorter than 2048 bits (or longer than 16384). */
  | 'size'
  /** `n` or `e` is not a base64url string, or `e` is not an odd integer of at least 3. */
  | 'invalid';

/** A key left out of a fetched set, and why. */
export interface SkippedKey {
  readonly kid: string | undefined;
  readonly reason: SkippedKeyReason;
}

/** A public RSA signing key that passed every check, ready to import. */
export interface AcceptedJwk {
  readonly kid: string;
  readonly n: string;
  readonly e: string;
  /** The key's own `alg`, or `undefined` when the JWK names none. */
  readonly alg: RsaAlgorithm | undefined;
}

/** Limits applied by {@link jwksParse}. */
export interface JwksParseOptions {
  readonly algorithms: readonly RsaAlgorithm[];
  readonly maxKeys: number;
}

/** Longest `kid` a key (and a lookup that may trigger a refetch) may have. */
export const MAX_KID_LENGTH = 256;
const MIN_MODULUS_BITS = 2048;
const MAX_MODULUS_BITS = 16384;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and checks a JWK Set body. The whole set is refused (KeySetError) when it is not UTF-8 JSON
 * with a `keys` array of objects, when any key carries private members, when it holds more than
 * `maxKeys` keys, or when two keys share a `kid`. Within a valid set, keys that are not public RSA
 * signing keys for a pinned algorithm with a modulus of at least 2048 bits are skipped and reported.
 */
export function jwksParse(
  body: Uint8Array,
  options: JwksParseOptions,
): { accepted: AcceptedJwk[]; skipped: SkippedKey[] } {
  let document: unknown;
  try {
    document = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new KeySetError('ERR_JWKS_INVALID', 'the JWKS response is not UTF-8 JSON', { cause });
  }
  const keys = isObject(document) ? document.keys : undefined;
  if (!Array.isArray(keys)) throw new KeySetError('ERR_JWKS_INVALID', 'the JWKS response has no "keys" array');
  if (!keys.every(isObject)) throw new KeySetError('ERR_JWKS_INVALID', 'a JWKS entry is not a JSON object');
  if (keys.some((jwk) => PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)))) {
    throw new KeySetError('ERR_JWKS_PRIVATE_KEY', 'the JWKS contains private key material; the whole set is refused');
  }
  if (keys.length > options.maxKeys) {
    throw new KeySetError(
      'ERR_JWKS_TOO_MANY_KEYS',
      `the JWKS holds ${keys.length} keys, more than maxKeys (${options.maxKeys})`,
    );
  }
  const seen = new Set<string>();
  for (const jwk of keys) {
    if (typeof jwk.kid !== 'string') continue;
    if (seen.has(jwk.kid))
      throw new KeySetError('ERR_JWKS_DUPLICATE_KID', 'two keys of the JWKS share a kid; the whole set is refused');
    seen.add(jwk.kid);
  }
  const accepted: AcceptedJwk[] = [];
  const skipped: SkippedKey[] = [];
  for (const jwk of keys) {
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const reason = rejectReason(jwk, options.algorithms);
    if (reason !== undefined) skipped.push({ kid, reason });
    else
      accepted.push({
        kid: kid as string,
        n: jwk.n as string,
        e: jwk.e as string,
        alg: jwk.alg as RsaAlgorithm | undefined,
      });
  }
  return { accepted, skipped };
}

function rejectReason(jwk: Record<string, unknown>, algorithms: readonly RsaAlgorithm[]): SkippedKeyReason | undefined {
  const { kid, kty, use, key_ops: keyOps, alg, n, e } = jwk;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) return 'kid';
  if (kty !== 'RSA') return 'kty';
  if (use !== undefined && use !== 'sig') return 'use';
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return 'use';
  if (alg !== undefined && !(algorithms as readonly unknown[]).includes(alg)) return 'alg';
  if (typeof n !== 'string' || typeof e !== 'string' || !BASE64URL.test(n) || !BASE64URL.test(e) || !isValidExponent(e))
    return 'invalid';
  const bits = modulusBits(n);
  if (bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS) return 'size';
  return undefined;
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start] as number));
}

function isValidExponent(e: string): boolean {
  if (e.length > 12) return false;
  const value = BigInt(`0x${Buffer.from(e, 'base64url').toString('hex') || '0'}`);
  return value >= 3n && value % 2n === 1n;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
