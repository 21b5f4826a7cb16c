import type { Response } from 'express';
import type { DpopProofRefusalReason } from '@jwks-kit/core';

/** Stable codes of {@link DpopTokenRequestError}; match on these, never on messages. */
export type DpopTokenRequestErrorCode =
  /** The `DPoP` header is repeated or its proof breaks a rule of RFC 9449 §4.3 (`reason` says which). */
  | 'ERR_DPOP_PROOF_INVALID'
  /** The proof was already used (its `jkt:jti` is in the replay store). */
  | 'ERR_DPOP_PROOF_REPLAYED'
  /** Nonces are on and the proof carries none, or a stale one (RFC 9449 §8): retry with the `DPoP-Nonce` sent. */
  | 'ERR_DPOP_NONCE_REQUIRED'
  /** The token endpoint requires DPoP and the request carried no proof. */
  | 'ERR_DPOP_PROOF_REQUIRED'
  /** The replay store could not record the proof (e.g. Redis unreachable): nothing was issued, retry. */
  | 'ERR_DPOP_REPLAY_STORE_UNAVAILABLE';

/** Which check refused: core's proof rule, or `repeated` (two DPoP headers), `replayed`, `missing`, `store`. */
export type DpopTokenRequestRefusal = DpopProofRefusalReason | 'repeated' | 'replayed' | 'missing' | 'store';

const ANSWERS: Record<
  DpopTokenRequestErrorCode,
  Readonly<{ status: 400 | 503; error: string; code: string; description: string }>
> = {
  ERR_DPOP_PROOF_INVALID: {
    status: 400,
    error: 'invalid_dpop_proof',
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof is invalid.',
  },
  ERR_DPOP_PROOF_REPLAYED: {
    status: 400,
    error: 'invalid_dpop_proof',
    code: 'dpop_proof_replayed',
    description: 'The DPoP proof was already used.',
  },
  ERR_DPOP_NONCE_REQUIRED: {
    status: 400,
    error: 'use_dpop_nonce',
    code: 'use_dpop_nonce',
    description: 'Send a DPoP proof carrying the nonce of the DPoP-Nonce header.',
  },
  ERR_DPOP_PROOF_REQUIRED: {
    status: 400,
    error: 'invalid_request',
    code: 'dpop_proof_required',
    description: 'This token endpoint issues DPoP-bound tokens only; send a DPoP proof.',
  },
  ERR_DPOP_REPLAY_STORE_UNAVAILABLE: {
    status: 503,
    error: 'temporarily_unavailable',
    code: 'dpop_replay_unavailable',
    description: 'DPoP proofs cannot be checked right now; try again shortly.',
  },
};

/** Marks every DpopTokenRequestError, from any copy of @jwks-kit/issuer: see {@link isDpopTokenRequestError}. */
const BRAND = Symbol.for('@jwks-kit/issuer:DpopTokenRequestError');

/**
 * A token request refused for its DPoP proof (RFC 9449 §5, §8). `status`, `error` and `headers` are the answer
 * (`DPoP-Nonce` with `use_dpop_nonce`, `Retry-After` with 503); `reason` and `cause` are for the log only.
 */
export class DpopTokenRequestError extends Error {
  override readonly name = 'DpopTokenRequestError';
  static {
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }
  readonly code: DpopTokenRequestErrorCode;
  readonly reason: DpopTokenRequestRefusal;
  /** 400, or 503 when the replay store is unavailable. */
  readonly status: 400 | 503;
  /** The OAuth `error` of the answer: `invalid_dpop_proof`, `use_dpop_nonce`, `invalid_request`, `temporarily_unavailable`. */
  readonly error: string;
  /** Response headers the answer must carry. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: DpopTokenRequestErrorCode,
    reason: DpopTokenRequestRefusal,
    options: { cause?: unknown; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(ANSWERS[code].description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = reason;
    this.status = ANSWERS[code].status;
    this.error = ANSWERS[code].error;
    this.headers = Object.freeze({ ...options.headers });
  }
}

/** True for a {@link DpopTokenRequestError}, also one from another copy of @jwks-kit/issuer. */
export function isDpopTokenRequestError(value: unknown): value is DpopTokenRequestError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/**
 * Answers a refused token request: its status and headers, `Cache-Control: no-store`, and
 * `{ error, code, error_description }` with a fixed text (never the proof or why it failed).
 */
export function sendDpopTokenRequestError(res: Response, error: DpopTokenRequestError): void {
  const answer = ANSWERS[error.code];
  res.set({ 'Cache-Control': 'no-store', ...error.headers });
  res.status(answer.status).json({ error: answer.error, code: answer.code, error_description: answer.description });
}
