import { ownMember, type RegisteredClaims } from '@jwks-kit/core';
import type { ResolvedIssuer, ResolvedVerifierOptions } from './resolve-verifier-options.js';

/** Why claims were refused: the error code and its fixed description. */
export interface ClaimsFailure {
  readonly code: 'invalid_token' | 'token_expired';
  readonly description: string;
  /** Which check refused (for the operator's refusal detail); `claim` names the claim for `claims`. */
  readonly check: 'claims' | 'audience' | 'lifetime' | 'exp' | 'max_token_age' | 'not_yet_valid';
  readonly claim?: string;
}

/** The time window (ms) in which claims that passed stay valid: what the verified-token cache honours. */
export interface ClaimsWindow {
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

const INVALID_CLAIMS_DESCRIPTION = 'The access token claims are invalid';
const invalidClaim = (claim: string): ClaimsFailure =>
  Object.freeze({ code: 'invalid_token', description: INVALID_CLAIMS_DESCRIPTION, check: 'claims', claim });
const INVALID_CLAIM: Readonly<Record<'exp' | 'nbf' | 'iat' | 'sub' | 'jti' | 'scope', ClaimsFailure>> = {
  exp: invalidClaim('exp'),
  nbf: invalidClaim('nbf'),
  iat: invalidClaim('iat'),
  sub: invalidClaim('sub'),
  jti: invalidClaim('jti'),
  scope: invalidClaim('scope'),
};
const WRONG_AUDIENCE: ClaimsFailure = {
  code: 'invalid_token',
  description: 'The access token audience is not accepted',
  check: 'audience',
};
const NOT_YET_VALID: ClaimsFailure = {
  code: 'invalid_token',
  description: 'The access token is not yet valid',
  check: 'not_yet_valid',
};
const TOO_LONG: ClaimsFailure = {
  code: 'invalid_token',
  description: 'The access token lifetime is too long',
  check: 'lifetime',
};
const EXPIRED: ClaimsFailure = { code: 'token_expired', description: 'The access token expired', check: 'exp' };
const TOO_OLD: ClaimsFailure = {
  code: 'token_expired',
  description: 'The access token expired',
  check: 'max_token_age',
};

/**
 * Checks the registered claims of a token whose signature and issuer were verified:
 * aud, exp (required), nbf, iat, lifetime, age, sub/jti/scope types, required claims. Every claim is read
 * as an own property of the payload (`claims` are its `registeredClaims`): nothing inherited counts as present.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  claims: RegisteredClaims,
  issuer: ResolvedIssuer,
  options: ResolvedVerifierOptions,
  nowMs: number,
): ClaimsWindow | ClaimsFailure {
  const { leewaySeconds: leeway } = options;
  const nowSeconds = nowMs / 1000;
  const { exp, nbf, iat, aud } = claims;
  if (!isNumericDate(exp)) return INVALID_CLAIM.exp;
  if (nbf !== undefined && !isNumericDate(nbf)) return INVALID_CLAIM.nbf;
  if (iat !== undefined && !isNumericDate(iat)) return INVALID_CLAIM.iat;
  if (!isOptionalNonEmptyString(claims.sub)) return INVALID_CLAIM.sub;
  if (!isOptionalNonEmptyString(claims.jti)) return INVALID_CLAIM.jti;
  if (!isOptionalString(claims.scope)) return INVALID_CLAIM.scope;
  for (const name of options.requiredClaims) {
    const value = ownMember(payload, name);
    if (value === undefined || value === null) return invalidClaim(name);
  }
  if (!audienceMatches(aud, issuer.audiences)) return WRONG_AUDIENCE;
  if (exp - (iat ?? nowSeconds) > options.maxTokenLifetimeSeconds) return TOO_LONG;
  const expiresAt = exp + leeway;
  let validUntil = expiresAt;
  if (options.maxTokenAgeSeconds !== undefined) {
    if (iat === undefined) return INVALID_CLAIM.iat;
    validUntil = Math.min(validUntil, iat + options.maxTokenAgeSeconds + leeway);
  }
  if (nowSeconds >= validUntil) return nowSeconds >= expiresAt ? EXPIRED : TOO_OLD;
  const validFrom = Math.max(nbf ?? Number.NEGATIVE_INFINITY, iat ?? Number.NEGATIVE_INFINITY) - leeway;
  if (nowSeconds < validFrom) return NOT_YET_VALID;
  return { validFromMs: validFrom * 1000, validUntilMs: validUntil * 1000 };
}

/** True for a {@link ClaimsFailure} (as opposed to a window). */
export function isClaimsFailure(result: ClaimsWindow | ClaimsFailure): result is ClaimsFailure {
  return (result as ClaimsFailure).code !== undefined;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isOptionalNonEmptyString(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length > 0);
}

function audienceMatches(aud: unknown, accepted: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return accepted.has(aud);
  if (!Array.isArray(aud) || aud.length === 0) return false;
  let match = false;
  for (const value of aud) {
    if (typeof value !== 'string') return false;
    if (accepted.has(value)) match = true;
  }
  return match;
}
