/** Every code a {@link KeySetError} can carry. */
export type KeySetErrorCode =
  /** The JWKS (or discovery document) request took longer than `timeoutMs` (headers and body together). */
  | 'ERR_JWKS_TIMEOUT'
  /** The request failed before an HTTP answer arrived (connection refused, reset, DNS). */
  | 'ERR_JWKS_NETWORK'
  /** The server answered with a status other than 200 (or 304 to a revalidation). */
  | 'ERR_JWKS_HTTP_STATUS'
  /** The server answered with a redirect; redirects are never followed. */
  | 'ERR_JWKS_REDIRECT'
  /** The body exceeded `maxResponseBytes` (declared or streamed). */
  | 'ERR_JWKS_TOO_LARGE'
  /** The body is not a JWK Set (not UTF-8 JSON, no `keys` array, a key that is not an object), or holds no usable key. */
  | 'ERR_JWKS_INVALID'
  /** A key in the set carries private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`, `priv`): the whole set is refused. */
  | 'ERR_JWKS_PRIVATE_KEY'
  /** Two keys in the set share a `kid`: the whole set is refused. */
  | 'ERR_JWKS_DUPLICATE_KID'
  /** The set holds more than `maxKeys` keys: the whole set is refused. */
  | 'ERR_JWKS_TOO_MANY_KEYS'
  /** A URL (the discovered `jwks_uri`) is neither https nor http on a loopback host. */
  | 'ERR_JWKS_INSECURE_URL'
  /** The last good key set is older than its cache age plus `maxStaleMs`: no key is served until a fetch succeeds. */
  | 'ERR_JWKS_STALE'
  /** The discovery document is not a JSON object with a string `issuer` and `jwks_uri`. */
  | 'ERR_DISCOVERY_INVALID'
  /** The discovery document's `issuer` differs from the configured issuer (exact string comparison). */
  | 'ERR_DISCOVERY_ISSUER_MISMATCH';

/** Marks every KeySetError, from any copy of @jwks-kit/verifier (ESM and CommonJS builds, two versions): see {@link isKeySetError}. */
const KEY_SET_ERROR_BRAND = Symbol.for('@jwks-kit/verifier:KeySetError');

/** The key cache's error class: a stable `code`, and the underlying error (fetch, JSON, crypto) as `cause`. */
export class KeySetError extends Error {
  override readonly name = 'KeySetError';
  static {
    Object.defineProperty(this.prototype, KEY_SET_ERROR_BRAND, { value: true });
  }
  readonly code: KeySetErrorCode;

  constructor(code: KeySetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * True for a {@link KeySetError}, also one thrown by another copy of @jwks-kit/verifier (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isKeySetError(value: unknown): value is KeySetError {
  return typeof value === 'object' && value !== null && KEY_SET_ERROR_BRAND in value;
}
