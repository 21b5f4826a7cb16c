/** Stable codes of {@link RefreshTokenError}; match on these, never on messages. */
export type RefreshTokenErrorCode =
  /** No refresh token was presented. */
  | 'ERR_REFRESH_TOKEN_MISSING'
  /** The presented value is not a refresh token of this service (wrong length or alphabet). */
  | 'ERR_REFRESH_TOKEN_MALFORMED'
  /** Well formed, but unknown: never issued, or its family has ended. */
  | 'ERR_REFRESH_TOKEN_INVALID'
  /** The family passed its absolute lifetime or idle timeout. */
  | 'ERR_REFRESH_TOKEN_EXPIRED'
  /** An already rotated token was presented outside the grace window: the family was revoked. */
  | 'ERR_REFRESH_TOKEN_REUSED'
  /** The refresh-token store could not be reached; nothing was changed by this call. */
  | 'ERR_REFRESH_STORE_UNAVAILABLE'
  /** The family is bound to a DPoP key and no proof was presented; nothing was changed (the family lives on). */
  | 'ERR_REFRESH_TOKEN_DPOP_REQUIRED'
  /** The family is bound to another DPoP key than the proof's; nothing was changed (the family lives on). */
  | 'ERR_REFRESH_TOKEN_DPOP_KEY_MISMATCH'
  /** A proof was presented for a family started without one: a family never becomes bound later; nothing was changed. */
  | 'ERR_REFRESH_TOKEN_NOT_DPOP_BOUND';

/** Marks every RefreshTokenError, from any copy of @jwks-kit/issuer (ESM and CommonJS builds, two versions): see {@link isRefreshTokenError}. */
const REFRESH_TOKEN_ERROR_BRAND = Symbol.for('@jwks-kit/issuer:RefreshTokenError');

/** The error of refresh-token rotation: a stable `code`, the family id when known, the store's error as `cause`. */
export class RefreshTokenError extends Error {
  override readonly name = 'RefreshTokenError';
  static {
    Object.defineProperty(this.prototype, REFRESH_TOKEN_ERROR_BRAND, { value: true });
  }
  readonly code: RefreshTokenErrorCode;
  /** The family the token belongs to, when known (safe to log: it cannot be replayed). */
  readonly familyId: string | undefined;

  constructor(code: RefreshTokenErrorCode, message: string, options?: { cause?: unknown; familyId?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.familyId = options?.familyId;
  }
}

/**
 * True for a {@link RefreshTokenError}, also one thrown by another copy of @jwks-kit/issuer (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isRefreshTokenError(value: unknown): value is RefreshTokenError {
  return typeof value === 'object' && value !== null && REFRESH_TOKEN_ERROR_BRAND in value;
}
