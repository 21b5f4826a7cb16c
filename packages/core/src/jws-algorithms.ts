/** How a JWS algorithm signs: the key type it needs and the parameters of Node's `crypto.verify`. */
export interface JwsAlgorithmEntry {
  /** The JWK `kty` of the keys it runs with (`oct`: a configured secret, never a published JWK). */
  readonly kty: 'RSA' | 'EC' | 'OKP' | 'oct';
  /** The curve (`crv`) of the keys it runs with, for key types that have one. */
  readonly crv?: string;
  /** Digest handed to `crypto.verify` (or to the HMAC); `null` for EdDSA, which hashes by itself. */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** PSS salt length in bytes (the hash length), or `undefined` for PKCS#1 v1.5 and non-RSA algorithms. */
  readonly pssSaltLength: number | undefined;
  /** Length of every signature in bytes, for fixed-size schemes (ES256 raw `r ‖ s`: 64, EdDSA: 64, HS256: 32). */
  readonly signatureBytes?: number;
}

/**
 * The only JWS algorithms jwks-kit signs or verifies under (RFC 7518 §3.2–3.5, RFC 8037). HS256 runs
 * only with a configured secret (a single service's own tokens), never with a key from a JWKS and never
 * through an `algorithms` option. Adding an
 * algorithm is one row here (and, for a new key type, one row of the JWK key-type table).
 */
const TABLE = {
  RS256: { kty: 'RSA', hash: 'sha256', pssSaltLength: undefined },
  RS384: { kty: 'RSA', hash: 'sha384', pssSaltLength: undefined },
  RS512: { kty: 'RSA', hash: 'sha512', pssSaltLength: undefined },
  PS256: { kty: 'RSA', hash: 'sha256', pssSaltLength: 32 },
  PS384: { kty: 'RSA', hash: 'sha384', pssSaltLength: 48 },
  PS512: { kty: 'RSA', hash: 'sha512', pssSaltLength: 64 },
  ES256: { kty: 'EC', crv: 'P-256', hash: 'sha256', pssSaltLength: undefined, signatureBytes: 64 },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: null, pssSaltLength: undefined, signatureBytes: 64 },
  HS256: { kty: 'oct', hash: 'sha256', pssSaltLength: undefined, signatureBytes: 32 },
} as const satisfies Record<string, JwsAlgorithmEntry>;

/** A JWS `alg` jwks-kit supports. */
export type JwsAlgorithm = keyof typeof TABLE;

const ENTRIES: ReadonlyMap<string, JwsAlgorithmEntry> = new Map(
  Object.entries(TABLE).map(([alg, entry]) => [alg, Object.freeze({ ...entry })]),
);

/** Every supported algorithm, in table order. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(Object.keys(TABLE) as JwsAlgorithm[]);

/** The table row of `alg` (an own entry only: `__proto__` and friends answer `undefined`). */
export function jwsAlgorithmEntry(alg: string): JwsAlgorithmEntry | undefined {
  return ENTRIES.get(alg);
}

/** True when `value` is one of {@link JWS_ALGORITHMS}. */
export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && ENTRIES.has(value);
}

/** The asymmetric algorithms: every one a key from a JWKS may be bound to (all but HS256). */
export const ASYMMETRIC_JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(
  JWS_ALGORITHMS.filter((alg) => TABLE[alg].kty !== 'oct'),
);

/**
 * The default allow-list of a verifier: one algorithm per key type, so that a key without `alg` is still
 * bound to exactly one (RSA → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA), and a key with `alg` verifies
 * only under its own. PS256 and the longer hashes are opt-in.
 */
export const DEFAULT_JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['RS256', 'ES256', 'EdDSA']);

/**
 * Checks an `algorithms` option: a non-empty array of supported algorithms. Returns it without repeats;
 * throws a TypeError naming `optionName` otherwise.
 */
export function parseAlgorithmsOption(value: unknown, optionName = 'algorithms'): readonly JwsAlgorithm[] {
  if (Array.isArray(value) && value.includes('HS256'))
    throw new TypeError(
      `option \`${optionName}\` must not list HS256: it comes only with the \`secret\` option, never from a JWKS`,
    );
  if (!Array.isArray(value) || value.length === 0 || !value.every(isJwsAlgorithm)) {
    throw new TypeError(
      `option \`${optionName}\` must be a non-empty array of ${ASYMMETRIC_JWS_ALGORITHMS.join(', ')}`,
    );
  }
  return Object.freeze([...new Set(value)]);
}
