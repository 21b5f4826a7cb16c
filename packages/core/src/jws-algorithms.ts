/** How a JWS algorithm signs: the key type it needs and the parameters of Node's `crypto.verify`. */
export interface JwsAlgorithmEntry {
  /** The JWK `kty` of the keys it runs with. */
  readonly kty: 'RSA';
  /** The curve (`crv`) of the keys it runs with, for key types that have one. */
  readonly crv?: string;
  /** Digest handed to `crypto.verify`. */
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** PSS salt length in bytes (the hash length), or `undefined` for PKCS#1 v1.5 and non-RSA algorithms. */
  readonly pssSaltLength: number | undefined;
}

/**
 * The only JWS algorithms jwks-kit signs or verifies under (RFC 7518 §3.3 and §3.5). Adding an
 * algorithm is one row here (and, for a new key type, one row of the JWK key-type table).
 */
const TABLE = {
  RS256: { kty: 'RSA', hash: 'sha256', pssSaltLength: undefined },
  RS384: { kty: 'RSA', hash: 'sha384', pssSaltLength: undefined },
  RS512: { kty: 'RSA', hash: 'sha512', pssSaltLength: undefined },
  PS256: { kty: 'RSA', hash: 'sha256', pssSaltLength: 32 },
  PS384: { kty: 'RSA', hash: 'sha384', pssSaltLength: 48 },
  PS512: { kty: 'RSA', hash: 'sha512', pssSaltLength: 64 },
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

/**
 * Checks an `algorithms` option: a non-empty array of supported algorithms. Returns it without repeats;
 * throws a TypeError naming `optionName` otherwise.
 */
export function parseAlgorithmsOption(value: unknown, optionName = 'algorithms'): readonly JwsAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isJwsAlgorithm)) {
    throw new TypeError(`option \`${optionName}\` must be a non-empty array of ${JWS_ALGORITHMS.join(', ')}`);
  }
  return Object.freeze([...new Set(value)]);
}
