import type { Response } from 'express';
import { RefreshTokenError, type RefreshTokenErrorCode } from '../refresh-token-error.js';
import type { SessionHttpConfig } from './session-http-config.js';

/** An answer with a fixed text: `{ error, code, error_description }`, never echoing the input. */
export interface SessionHttpFailure {
  readonly status: number;
  readonly error: string;
  readonly code: string;
  readonly description: string;
}

/** Fixed failures of the session endpoints that are not refresh-token errors. */
export const REQUEST_FAILURES = {
  crossSite: {
    status: 403,
    error: 'invalid_request',
    code: 'cross_site_request',
    description: 'Cross-site requests may not use the session cookies.',
  },
  repeatedCookie: {
    status: 400,
    error: 'invalid_request',
    code: 'repeated_cookie',
    description: 'A session cookie appears more than once.',
  },
  twoTokens: {
    status: 400,
    error: 'invalid_request',
    code: 'multiple_refresh_tokens',
    description: 'Present the refresh token in a cookie or in the body, not both.',
  },
  badBody: {
    status: 400,
    error: 'invalid_request',
    code: 'malformed_request',
    description: 'The request body could not be read.',
  },
  grantType: {
    status: 400,
    error: 'unsupported_grant_type',
    code: 'unsupported_grant_type',
    description: 'Only the refresh_token grant is supported here.',
  },
} as const satisfies Record<string, SessionHttpFailure>;

const TOKEN_FAILURES: Record<RefreshTokenErrorCode, SessionHttpFailure> = {
  ERR_REFRESH_TOKEN_MISSING: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_missing',
    description: 'No refresh token was presented.',
  },
  ERR_REFRESH_TOKEN_MALFORMED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_malformed',
    description: 'The refresh token is malformed.',
  },
  ERR_REFRESH_TOKEN_INVALID: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_invalid',
    description: 'The refresh token is not valid.',
  },
  ERR_REFRESH_TOKEN_EXPIRED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_expired',
    description: 'The refresh token has expired.',
  },
  ERR_REFRESH_TOKEN_REUSED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_reused',
    description: 'The refresh token was already used; the session has been revoked.',
  },
  // 400 (RFC 6749 §5.2), not 401: the refresh token is fine and its family untouched, so cookies are not cleared.
  ERR_REFRESH_TOKEN_DPOP_REQUIRED: {
    status: 400,
    error: 'invalid_grant',
    code: 'dpop_proof_required',
    description: 'The refresh token is bound to a DPoP key; present a DPoP proof of that key.',
  },
  ERR_REFRESH_TOKEN_DPOP_KEY_MISMATCH: {
    status: 400,
    error: 'invalid_grant',
    code: 'dpop_key_mismatch',
    description: 'The DPoP proof is not signed with the key the refresh token is bound to.',
  },
  ERR_REFRESH_TOKEN_NOT_DPOP_BOUND: {
    status: 400,
    error: 'invalid_grant',
    code: 'refresh_token_not_dpop_bound',
    description: 'The refresh token is not bound to a DPoP key; refresh without a DPoP proof or log in again with one.',
  },
  ERR_REFRESH_STORE_UNAVAILABLE: {
    status: 503,
    error: 'temporarily_unavailable',
    code: 'refresh_store_unavailable',
    description: 'The session store is unavailable; try again later.',
  },
};

/** The HTTP failure of a RefreshTokenError, or undefined for any other error. */
export function failureOf(error: unknown): SessionHttpFailure | undefined {
  return error instanceof RefreshTokenError ? TOKEN_FAILURES[error.code] : undefined;
}

/** Sends a failure with `Cache-Control: no-store` (and Retry-After on 503). */
export function sendFailure(res: Response, failure: SessionHttpFailure, config: SessionHttpConfig): void {
  res.set('Cache-Control', 'no-store');
  if (failure.status === 503) res.set('Retry-After', String(config.retryAfterSeconds));
  res.status(failure.status).json({ error: failure.error, code: failure.code, error_description: failure.description });
}
