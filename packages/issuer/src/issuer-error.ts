/** Stable codes of {@link IssuerError}; match on these, never on messages. */
export type IssuerErrorCode =
  | 'ERR_KEY_FILE_PERMISSIONS'
  | 'ERR_KEY_FILE_CORRUPT'
  | 'ERR_KEY_FILE_IO'
  | 'ERR_KEY_FILE_LOCKED'
  | 'ERR_KEK_MISMATCH'
  | 'ERR_KEY_RECORD_TAMPERED'
  | 'ERR_KEY_STORE_CONFLICT'
  | 'ERR_KEY_RING_STALE'
  | 'ERR_INVALID_KEY'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_UNKNOWN_KEY'
  | 'ERR_NO_ACTIVE_KEY'
  | 'ERR_NO_NEXT_KEY'
  | 'ERR_NEXT_KEY_NOT_READY'
  | 'ERR_MISSING_SUB'
  | 'ERR_MISSING_AUDIENCE'
  | 'ERR_INVALID_TTL'
  | 'ERR_INVALID_SCOPE'
  | 'ERR_INVALID_CLAIM'
  | 'ERR_RESERVED_CLAIM'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_SIGNING_FAILED'
  | 'ERR_SIGNER_UNAVAILABLE'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_KEYS_MANAGED_EXTERNALLY';

/** Marks every IssuerError, from any copy of @jwks-kit/issuer (ESM and CommonJS builds, two versions): see {@link isIssuerError}. */
const ISSUER_ERROR_BRAND = Symbol.for('@jwks-kit/issuer:IssuerError');

/** The one error class of `@jwks-kit/issuer`: a stable `code`, and the underlying error as `cause`. */
export class IssuerError extends Error {
  override readonly name = 'IssuerError';
  static {
    Object.defineProperty(this.prototype, ISSUER_ERROR_BRAND, { value: true });
  }
  readonly code: IssuerErrorCode;

  constructor(code: IssuerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * True for a {@link IssuerError}, also one thrown by another copy of @jwks-kit/issuer (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isIssuerError(value: unknown): value is IssuerError {
  return typeof value === 'object' && value !== null && ISSUER_ERROR_BRAND in value;
}
