/**
 * Why a request was refused. Each code maps to one HTTP status and one RFC 6750 error:
 *
 * | code | status | `error` |
 * |---|---|---|
 * | `missing_token` | 401 | (none in `WWW-Authenticate`; `unauthorized` in JSON) |
 * | `invalid_request` | 400 | `invalid_request` |
 * | `invalid_token` | 401 | `invalid_token` |
 * | `token_expired` | 401 | `invalid_token` |
 * | `token_revoked` | 401 | `invalid_token` |
 * | `claims_too_deep` | 401 | `invalid_token` |
 * | `insufficient_scope` | 403 | `insufficient_scope` |
 * | `insufficient_claims` | 403 | `insufficient_scope` |
 * | `origin_not_allowed` | 403 | `access_denied` |
 * | `invalid_dpop_proof` | 401 | `invalid_dpop_proof` (DPoP challenge) |
 * | `use_dpop_nonce` | 401 | `use_dpop_nonce` (DPoP challenge and a `DPoP-Nonce` header) |
 * | `denylist_unavailable` | 503 | `temporarily_unavailable` |
 * | `keys_unavailable` | 503 | `temporarily_unavailable` |
 * | `dpop_replay_unavailable` | 503 | `temporarily_unavailable` |
 */
export type VerifierErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'token_expired'
  | 'token_revoked'
  | 'claims_too_deep'
  | 'insufficient_scope'
  | 'insufficient_claims'
  | 'origin_not_allowed'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'denylist_unavailable'
  | 'keys_unavailable'
  | 'dpop_replay_unavailable';

/** The OAuth error name of a {@link VerifierError} (RFC 6750 §3.1, RFC 6749 §4.1.2.1). */
export type OAuthErrorName =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'temporarily_unavailable';

/** Extra details of a {@link VerifierError}. */
export interface VerifierErrorOptions {
  /** `realm` of the `WWW-Authenticate` challenge. @default 'api' */
  readonly realm?: string;
  /** Fixed description; never built from request input. Defaults to the code's standard text. */
  readonly description?: string;
  /** Scopes the resource needs (`insufficient_scope` only), already validated as scope tokens. */
  readonly scope?: string;
  /** URL of the resource's RFC 9728 metadata, sent as `resource_metadata` in the challenge. @default undefined */
  readonly resourceMetadata?: string;
  /**
   * The challenge of a request on a DPoP route (RFC 9449 §7.1): `scheme` `DPoP` answers with a DPoP challenge
   * carrying `algs`; `both` (a request without a token where Bearer is accepted too) adds it after the Bearer
   * one. `nonce` is sent as the `DPoP-Nonce` header. Without it the challenge is Bearer only, as before.
   * @default undefined
   */
  readonly dpop?: DpopChallenge;
  /** `Retry-After` seconds (503 only). @default 5 */
  readonly retryAfterSeconds?: number;
  /** The underlying error (the denylist, the key set, a refusal detail). Never rendered. */
  readonly cause?: unknown;
}

/** The DPoP part of a refusal's challenge: see {@link VerifierErrorOptions.dpop}. */
export interface DpopChallenge {
  readonly scheme: 'DPoP' | 'both';
  /** Space-separated proof algorithms (already validated). */
  readonly algs: string;
  /** A fresh server nonce for the `DPoP-Nonce` response header. */
  readonly nonce?: string;
}

const STATUS: Readonly<Record<VerifierErrorCode, number>> = {
  missing_token: 401,
  invalid_request: 400,
  invalid_token: 401,
  token_expired: 401,
  token_revoked: 401,
  claims_too_deep: 401,
  insufficient_scope: 403,
  insufficient_claims: 403,
  origin_not_allowed: 403,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
  denylist_unavailable: 503,
  keys_unavailable: 503,
  dpop_replay_unavailable: 503,
};

const OAUTH_ERROR: Readonly<Record<VerifierErrorCode, OAuthErrorName>> = {
  missing_token: 'unauthorized',
  invalid_request: 'invalid_request',
  invalid_token: 'invalid_token',
  token_expired: 'invalid_token',
  token_revoked: 'invalid_token',
  claims_too_deep: 'invalid_token',
  insufficient_scope: 'insufficient_scope',
  insufficient_claims: 'insufficient_scope',
  origin_not_allowed: 'access_denied',
  invalid_dpop_proof: 'invalid_dpop_proof',
  use_dpop_nonce: 'use_dpop_nonce',
  denylist_unavailable: 'temporarily_unavailable',
  keys_unavailable: 'temporarily_unavailable',
  dpop_replay_unavailable: 'temporarily_unavailable',
};

const DESCRIPTION: Readonly<Record<VerifierErrorCode, string>> = {
  missing_token: 'Authentication required',
  invalid_request: 'The request is malformed',
  invalid_token: 'The access token is invalid',
  token_expired: 'The access token expired',
  token_revoked: 'The access token was revoked',
  claims_too_deep: 'The access token claims are nested too deeply',
  insufficient_scope: 'The access token lacks a required scope',
  insufficient_claims: 'The access token does not grant access to this resource',
  origin_not_allowed: 'Cross-origin request refused for cookie authentication',
  denylist_unavailable: 'Token revocation status is temporarily unavailable',
  keys_unavailable: 'Signing keys are temporarily unavailable',
  invalid_dpop_proof: 'The DPoP proof is invalid',
  use_dpop_nonce: 'A DPoP nonce is required',
  dpop_replay_unavailable: 'DPoP proof replay status is temporarily unavailable',
};

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Default `realm` of the `WWW-Authenticate` challenge. */
export const DEFAULT_REALM = 'api';

/** Marks every VerifierError, from any copy of @jwks-kit/verifier (ESM and CommonJS builds, two versions): see {@link isVerifierError}. */
const VERIFIER_ERROR_BRAND = Symbol.for('@jwks-kit/verifier:VerifierError');

/**
 * Every refusal of the verifier. Carries `status` and `headers` (`WWW-Authenticate`, `Retry-After`)
 * so that Express's final handler, or {@link authErrorHandler}, answers per RFC 6750. The message is
 * a fixed text that never contains request input.
 */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';
  static {
    Object.defineProperty(this.prototype, VERIFIER_ERROR_BRAND, { value: true });
  }
  /** Machine-readable reason, stable across versions. */
  readonly code: VerifierErrorCode;
  /** HTTP status to answer with. */
  readonly status: number;
  /** OAuth error name for the JSON body (`error`). */
  readonly error: OAuthErrorName;
  /** Response headers to send (Express's final handler sets them for 4xx/5xx). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: VerifierErrorCode, options: VerifierErrorOptions = {}) {
    const description = options.description ?? DESCRIPTION[code];
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS[code];
    this.error = OAUTH_ERROR[code];
    this.headers = buildHeaders(code, this.error, description, options);
    BUILT_WITH.set(this, options);
  }

  /** The JSON body `{ error, code, error_description }`. */
  toJSON(): { error: OAuthErrorName; code: VerifierErrorCode; error_description: string } {
    return { error: this.error, code: this.code, error_description: this.message };
  }
}

/** The options each VerifierError was built with, so that a middleware can add to its challenge. */
const BUILT_WITH = new WeakMap<VerifierError, VerifierErrorOptions>();

/**
 * The same refusal built again with `extra` options added (e.g. `resourceMetadata`, or the `dpop` challenge of a
 * DPoP route): same code, description and cause.
 * @internal
 */
export function rebuildVerifierError(error: VerifierError, extra: VerifierErrorOptions): VerifierError {
  const options = BUILT_WITH.get(error) ?? {};
  return new VerifierError(error.code, { ...options, description: error.message, cause: error.cause, ...extra });
}

/**
 * True for a {@link VerifierError}, also one thrown by another copy of @jwks-kit/verifier (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isVerifierError(value: unknown): value is VerifierError {
  return typeof value === 'object' && value !== null && VERIFIER_ERROR_BRAND in value;
}

function buildHeaders(
  code: VerifierErrorCode,
  error: OAuthErrorName,
  description: string,
  options: VerifierErrorOptions,
): Record<string, string> {
  const status = STATUS[code];
  if (status === 503) {
    const seconds = options.retryAfterSeconds;
    const retryAfter =
      seconds !== undefined && Number.isSafeInteger(seconds) && seconds > 0 ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
    return { 'Retry-After': String(retryAfter) };
  }
  if (code === 'origin_not_allowed') return {};
  const realm = `realm="${options.realm ?? DEFAULT_REALM}"`;
  let params = code === 'missing_token' ? '' : `, error="${error}", error_description="${description}"`;
  if (options.scope !== undefined) params += `, scope="${options.scope}"`;
  const metadata = options.resourceMetadata === undefined ? '' : `, resource_metadata="${options.resourceMetadata}"`;
  const dpop = options.dpop;
  if (dpop === undefined) return { 'WWW-Authenticate': `Bearer ${realm}${params}${metadata}` };
  const dpopChallenge = `DPoP ${realm}${params}, algs="${dpop.algs}"${metadata}`;
  const headers: Record<string, string> = {
    'WWW-Authenticate': dpop.scheme === 'both' ? `Bearer ${realm}${metadata}, ${dpopChallenge}` : dpopChallenge,
  };
  if (dpop.nonce !== undefined) headers['DPoP-Nonce'] = dpop.nonce;
  return headers;
}
