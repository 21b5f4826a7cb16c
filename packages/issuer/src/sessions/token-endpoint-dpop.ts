import {
  countHeader,
  dpopHtu,
  isDpopProofError,
  resolveDpopProofPolicy,
  useDpopProofOnce,
  verifyDpopProof,
  type DpopProofPolicyOptions,
  type JwsAlgorithm,
  type VerifiedDpopProof,
} from '@jwks-kit/core';
import type { IncomingHttpHeaders } from 'node:http';
import { DpopTokenRequestError } from './dpop-token-request-error.js';

/** Options of {@link createTokenEndpointDpop}. */
export type TokenEndpointDpopOptions = DpopProofPolicyOptions &
  Readonly<{
    /**
     * The token endpoint's public URL as clients call it (`https://auth.example.com/token`): every proof's `htu`
     * must be this URL (RFC 9449 §4.3, normalised, query and fragment ignored). Configured, never taken from `Host`.
     * Share one `replayStore` between the replicas (`createRedisDpopReplayStore` of `@jwks-kit/denylist/redis`);
     * with `nonces`, a proof without a current nonce gets 400 `use_dpop_nonce` and a `DPoP-Nonce` (RFC 9449 §8).
     */
    url: string;
    /** Refuse token requests without a proof (400 `invalid_request`), so every grant is DPoP-bound. @default false */
    required?: boolean;
    /** Clock in milliseconds since the epoch. @default Date.now */
    now?: () => number;
  }>;

/** The parts of a token request {@link TokenEndpointDpop.check} reads (an Express or plain Node request). */
export interface DpopTokenRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders?: readonly string[];
}

/** The DPoP check of a token endpoint; see {@link createTokenEndpointDpop}. */
export interface TokenEndpointDpop {
  /** The accepted proof algorithms (for discovery's `dpopSigningAlgorithms`). */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * Reads the request's `DPoP` header and verifies the proof (no `ath` at the token endpoint), then records its
   * `jti` once. Resolves the proof key's thumbprint (pass it to `start({ jkt })` / `rotate(token, { jkt })`), or
   * undefined when the request carries no proof and none is required. Rejects with a {@link DpopTokenRequestError}.
   */
  check(req: DpopTokenRequest): Promise<string | undefined>;
  /** Headers of a successful token response: the current `DPoP-Nonce` when nonces are on (RFC 9449 §8.2), else none. */
  responseHeaders(): Readonly<Record<string, string>>;
}

/**
 * Creates the DPoP check of a token endpoint (RFC 9449 §5): the proof rules are core's `verifyDpopProof`, against
 * the configured endpoint URL and method, with no access token (`ath` not required); then the proof's single use
 * in the replay store. With `nonces`, a proof without a current nonce gets 400 `use_dpop_nonce` and a fresh
 * `DPoP-Nonce`; the nonce is an HMAC of a time window, so any replica holding the secret accepts it.
 */
export function createTokenEndpointDpop(options: TokenEndpointDpopOptions): TokenEndpointDpop {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  let url: string;
  try {
    url = dpopHtu(options.url);
  } catch {
    throw new TypeError('option `url` must be the absolute http(s) URL of the token endpoint');
  }
  const policy = resolveDpopProofPolicy(options);
  const { algorithms, iatWindowSeconds, leewaySeconds, nonces } = policy;
  const required = options.required ?? false;
  if (typeof required !== 'boolean') throw new TypeError('option `required` must be a boolean');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function');
  const nonceHeader = (): Record<string, string> =>
    nonces === undefined ? {} : { 'DPoP-Nonce': nonces.issue(now() / 1000) };

  return Object.freeze({
    algorithms,
    responseHeaders: nonceHeader,
    async check(req: DpopTokenRequest): Promise<string | undefined> {
      const header = req.headers.dpop;
      if (header === undefined) {
        if (required) throw new DpopTokenRequestError('ERR_DPOP_PROOF_REQUIRED', 'missing');
        return undefined;
      }
      // RFC 9449 §4.3 (1): exactly one DPoP header (Node joins repeated ones into one string)
      if (typeof header !== 'string' || countHeader(req.rawHeaders, 'dpop') !== 1)
        throw new DpopTokenRequestError('ERR_DPOP_PROOF_INVALID', 'repeated');
      let proof: VerifiedDpopProof;
      const nowSeconds = now() / 1000;
      try {
        proof = verifyDpopProof(header, {
          method: req.method,
          url,
          algorithms,
          nowSeconds,
          iatWindowSeconds,
          leewaySeconds,
          ...(nonces === undefined ? {} : { nonce: nonces }),
        });
      } catch (error) {
        if (!isDpopProofError(error)) throw error;
        if (error.code === 'use_dpop_nonce')
          throw new DpopTokenRequestError('ERR_DPOP_NONCE_REQUIRED', error.reason, {
            cause: error,
            headers: nonceHeader(),
          });
        throw new DpopTokenRequestError('ERR_DPOP_PROOF_INVALID', error.reason, { cause: error });
      }
      let first: boolean;
      try {
        first = await useDpopProofOnce(policy, proof);
      } catch (cause) {
        const retryAfterSeconds = (cause as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1;
        throw new DpopTokenRequestError('ERR_DPOP_REPLAY_STORE_UNAVAILABLE', 'store', {
          cause,
          headers: { 'Retry-After': String(retryAfterSeconds) },
        });
      }
      if (!first) throw new DpopTokenRequestError('ERR_DPOP_PROOF_REPLAYED', 'replayed');
      return proof.jkt;
    },
  });
}
