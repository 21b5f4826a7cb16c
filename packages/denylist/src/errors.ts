/** Every code a {@link DenylistError} can carry. */
export type DenylistErrorCode =
  /** The store cannot answer with confidence (Redis unreachable past the staleness bound, lookup timed out, store closed). Fail closed: 503 + Retry-After. */
  | 'ERR_DENYLIST_UNAVAILABLE'
  /** A revocation could not be written (Redis unreachable or too slow). The revocation did not happen: retry it. */
  | 'ERR_REVOCATION_FAILED'
  /** The memory store holds `maxEntries` live revocations; the new one was refused rather than another dropped. */
  | 'ERR_DENYLIST_FULL'
  /** `jti` is not a string of 1 to 256 characters. */
  | 'ERR_INVALID_JTI'
  /** `sub` is not a string of 1 to 256 characters. */
  | 'ERR_INVALID_SUB'
  /** `sid` is not a string of 1 to 256 characters. */
  | 'ERR_INVALID_SID'
  /** `exp` is not a finite number, or lies further ahead than the longest token lifetime allows. */
  | 'ERR_INVALID_EXP'
  /** `at` is not a finite number, or lies further ahead than the longest token lifetime allows. */
  | 'ERR_INVALID_AT'
  /** The issuer is not a string of 1 to 1024 characters. */
  | 'ERR_INVALID_ISSUER'
  /** The DPoP replay store could not record a proof (Redis unreachable or slower than `commandTimeoutMs`). Fail closed: 503 + Retry-After. */
  | 'ERR_REPLAY_STORE_UNAVAILABLE'
  /** A DPoP replay key is not a string of 1 to 1024 characters, or its ttl is not a number of milliseconds from 1 to 86,400,000. */
  | 'ERR_INVALID_REPLAY_KEY';

/** Options of a {@link DenylistError}. */
export interface DenylistErrorOptions {
  readonly cause?: unknown;
  /** Seconds after which a retry may succeed (set on `ERR_DENYLIST_UNAVAILABLE`). */
  readonly retryAfterSeconds?: number;
}

/** Marks every DenylistError, from any copy of @jwks-kit/denylist (ESM and CommonJS builds, two versions): see {@link isDenylistError}. */
const DENYLIST_ERROR_BRAND = Symbol.for('@jwks-kit/denylist:DenylistError');

/** The one error class of `@jwks-kit/denylist`; `code` says what went wrong, `cause` keeps the Redis error. */
export class DenylistError extends Error {
  override readonly name = 'DenylistError';
  static {
    Object.defineProperty(this.prototype, DENYLIST_ERROR_BRAND, { value: true });
  }
  readonly code: DenylistErrorCode;
  /** Seconds after which a retry may succeed; always set on `ERR_DENYLIST_UNAVAILABLE`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: DenylistErrorCode, message: string, options: DenylistErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * True for a {@link DenylistError}, also one thrown by another copy of @jwks-kit/denylist (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isDenylistError(value: unknown): value is DenylistError {
  return typeof value === 'object' && value !== null && DENYLIST_ERROR_BRAND in value;
}
