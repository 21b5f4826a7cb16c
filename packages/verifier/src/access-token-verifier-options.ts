import type { Logger } from './logger.js';
import type { KeySet } from './key-set.js';
import type { JwsAlgorithm } from '@jwks-kit/core';
import type { RemoteKeySetOptions } from './remote-key-set-options.js';

/** Signature algorithms a verifier can be pinned to: the JWS algorithm table of `@jwks-kit/core`. */
export type AccessTokenAlgorithm = JwsAlgorithm;

/** Claims of a verified access token (RFC 9068). Values other than these are as the issuer sent them. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly sub?: string;
  readonly jti?: string;
  /** Space-separated scopes (RFC 9068 §2.2.3). */
  readonly scope?: string;
  readonly [claim: string]: unknown;
}

/**
 * The revocation hook: structurally a `Denylist` of `@jwks-kit/denylist`. `check()` answers `true`
 * for a revoked token, synchronously or with a promise; it may throw an error with
 * `code === 'ERR_DENYLIST_UNAVAILABLE'` and `retryAfterSeconds` (→ 503 with `Retry-After`). Any
 * other failure, or an answer that is not a boolean, also refuses the request with 503.
 */
export interface RevocationCheck {
  check(claims: AccessTokenClaims): boolean | Promise<boolean>;
}

/** Options of the key cache a verifier creates for `jwksUri` (its `algorithms` and `now` come from the verifier). */
export type JwksCacheOptions = Omit<RemoteKeySetOptions, 'jwksUri' | 'algorithms' | 'now'>;

/** One trusted issuer: its exact `iss`, the audiences accepted from it, and where its keys come from. */
export type TrustedIssuer = Readonly<{
  /** Exact `iss` value (no normalisation: a trailing slash or another case is another issuer). */
  issuer: string;
  /** Accepted `aud` value(s); the token must name at least one. */
  audience: string | readonly string[];
  /** Keys of this issuer. Give exactly one of `keySet`, `jwksUri` and `secret`. */
  keySet?: KeySet;
  /** JWKS URL of this issuer: the verifier creates (and closes) a remote key cache for it. */
  jwksUri?: string | URL;
  /** Options of the key cache created for `jwksUri`. @default {} */
  jwks?: JwksCacheOptions;
  /**
   * HS256 single-service mode: the HMAC secret this issuer signs with (a Uint8Array of at least 32
   * bytes; strings are refused). Tokens of this issuer verify under HS256 only, with this secret only;
   * an issuer with a `secret` has no `keySet` or `jwksUri`, so its `alg` never selects a key elsewhere.
   */
  secret?: Uint8Array;
}>;

/**
 * Options of {@link createAccessTokenVerifier} (and of `requireAuth`). Give one issuer inline
 * (`issuer`, `audience`, `keySet` or `jwksUri`) or several in `issuers`.
 */
export type AccessTokenVerifierOptions = Readonly<{
  /** Exact `iss` of the single trusted issuer (or use `issuers`). */
  issuer?: string;
  /** Accepted `aud` value(s) of the single issuer. */
  audience?: string | readonly string[];
  /** Keys of the single issuer (e.g. `createRemoteKeySet()` or `createLocalKeySet()`). */
  keySet?: KeySet;
  /** JWKS URL of the single issuer; a key cache is created for it. */
  jwksUri?: string | URL;
  /** Options of the key cache created for `jwksUri`. @default {} */
  jwks?: JwksCacheOptions;
  /**
   * HS256 single-service mode for the single issuer: the secret it signs with (at least 32 bytes; see
   * `TrustedIssuer.secret`). Only for one service that signs and verifies its own tokens and publishes
   * nothing; excludes `keySet` and `jwksUri`.
   */
  secret?: Uint8Array;
  /** Several trusted issuers; the token's `iss` selects one by exact match before any key lookup. */
  issuers?: readonly TrustedIssuer[];
  /**
   * The operator's allow-list of asymmetric algorithms. Each key verifies only under the one algorithm
   * it is bound to (its JWK `alg`, or the only allowed algorithm of its key type: RSA → RS256,
   * EC P-256 → ES256, OKP Ed25519 → EdDSA by default), so the algorithms in force are what the issuer's
   * keys say, within this list. `none` is impossible; HS256 is refused here: it comes only with `secret`.
   * @default ['RS256', 'ES256', 'EdDSA']
   */
  algorithms?: readonly AccessTokenAlgorithm[];
  /**
   * Accepted header `typ` values, compared case-insensitively; `false` accepts any or none
   * (only for issuers that do not follow RFC 9068).
   * @default ['at+jwt', 'application/at+jwt']
   */
  typ?: string | readonly string[] | false;
  /** Clock skew tolerated on `exp`, `nbf`, `iat`, in seconds. @default 5 */
  leewaySeconds?: number;
  /** Longest accepted `exp − iat` (`exp − now` without `iat`), in seconds. @default 86_400 */
  maxTokenLifetimeSeconds?: number;
  /** When set, `iat` is required and tokens older than this are refused as expired. @default undefined */
  maxTokenAgeSeconds?: number;
  /** Claims that must be present (besides `iss`, `aud`, `exp`, always required). @default [] */
  requiredClaims?: readonly string[];
  /** Longest accepted token, checked before any parsing. @default 8_192 */
  maxTokenBytes?: number;
  /**
   * Deepest nesting of objects and arrays in the claims (the claims object itself is level 1), counted
   * while they are frozen. A deeper token, even validly signed, is refused with 401 `claims_too_deep`,
   * so no handler that serialises or walks claims can overflow its stack. @default 32
   */
  maxClaimsDepth?: number;
  /** Entries of the verified-token cache (repeat tokens skip the signature check); 0 disables it. @default 10_000 */
  verifiedTokenCacheSize?: number;
  /** Revocation hook consulted on every request after the signature is verified, cache hits included. @default undefined */
  denylist?: RevocationCheck;
  /** `realm` of `WWW-Authenticate` challenges. @default 'api' */
  realm?: string;
  /** Clock in milliseconds (inject one in tests). @default Date.now */
  now?: () => number;
  /**
   * pino/bunyan-shaped logger. Each refusal is logged at `debug` with its code and `RefusalDetail`
   * (`detail`); the key sets created for `jwksUri` log their fetch failures, staleness and key changes once
   * per change (unless `jwks.logger` says otherwise). @default silent
   */
  logger?: Logger;
  /**
   * With an OpenTelemetry SDK: start a span `jwks_kit.verify` per verification. Otherwise the verifier only
   * adds `jwks_kit.outcome` to the active span (the HTTP server span). @default false
   */
  spanPerRequest?: boolean;
}>;
