/** The OAuth error code of a refused DPoP proof (RFC 9449 §7.1, §8, §9): what goes into the challenge. */
export type DpopProofErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/** Which rule refused a DPoP proof: a stable string for logs and metrics (never sent to the client). */
export type DpopProofRefusalReason =
  /** Not one compact JWS of three canonical base64url segments of JSON objects, too long, or a `crit` header. */
  | 'syntax'
  /** `typ` is not `dpop+jwt`. */
  | 'typ'
  /** `alg` missing, symmetric, `none`, or not in the allowed algorithms. */
  | 'alg'
  /** `jwk` header missing, carrying private members, not a public key of the `alg`'s type, or too small. */
  | 'jwk'
  /** The signature does not verify with the `jwk` header's key. */
  | 'signature'
  /** `jti` missing, not a string, empty or too long. */
  | 'jti'
  /** `htm` is not the request method. */
  | 'htm'
  /** `htu` is not the request URL (without query and fragment, normalised). */
  | 'htu'
  /** `iat` missing or outside the accepted window around now. */
  | 'iat'
  /** `ath` missing or not the hash of the presented access token. */
  | 'ath'
  /** A nonce is required and the proof has none, or one the server does not accept (code `use_dpop_nonce`). */
  | 'nonce';

/**
 * A refused DPoP proof. `code` goes to the client (`WWW-Authenticate: DPoP error="…"`), `reason` and
 * `message` are for the operator; neither echoes the proof.
 */
export class DpopProofError extends Error {
  override readonly name = 'DpopProofError';
  readonly code: DpopProofErrorCode;
  readonly reason: DpopProofRefusalReason;

  constructor(reason: DpopProofRefusalReason, message: string, code: DpopProofErrorCode = 'invalid_dpop_proof') {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

/** True when `value` is a {@link DpopProofError}. */
export function isDpopProofError(value: unknown): value is DpopProofError {
  return value instanceof DpopProofError;
}
