import {
  createMemoryDpopReplayStore,
  dpopHtu,
  dpopReplayKey,
  dpopReplayTtlMs,
  isDpopProofError,
  parseAlgorithmsOption,
  verifyDpopProof,
  type DpopNonces,
  type DpopReplayStore,
  type JwsAlgorithm,
  type VerifiedDpopProof,
} from '@jwks-kit/core';
import type { IncomingHttpHeaders } from 'node:http';
import { DpopTokenRequestError } from './dpop-token-request-error.js';

/** Options of {@link createTokenEndpointDpop}. */
export type TokenEndpointDpopOptions = Readonly<{
  /**
   * The token endpoint's public URL as clients call it (`https://auth.example.com/token`): every proof's `htu` must
   * be this URL (RFC 9449 §4.3, normalised, query and fragment ignored). Configured, never taken from `Host`.
   */
  url: string;
  /**
   * Where each proof's `jkt:jti` is recorded once. Share one store between the replicas
   * (`createRedisDpopReplayStore` of `@jwks-kit/denylist/redis`); a store that rejects gives 503.
   * @default createMemoryDpopReplayStore() (this process only)
   */
  replayStore?: DpopReplayStore;
  /** Proof algorithms accepted (asymmetric only; advertise them with discovery's `dpopSigningAlgorithms`). @default ['ES256', 'EdDSA'] */
  algorithms?: readonly JwsAlgorithm[];
  /** A proof's `iat` may be this far from now, either way. @default 60 */
  iatWindowSeconds?: number;
  /** Clock skew allowed on top of `iatWindowSeconds`. @default 5 */
  leewaySeconds?: number;
  /**
   * Server nonces (`createDpopNonces` of `@jwks-kit/core`, one secret shared by the replicas): when set, a proof
   * must carry a current nonce, else 400 `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §8). @default undefined
   */
  nonces?: DpopNonces;
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

const DEFAULT_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['ES256', 'EdDSA']);

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw new TypeError(`option \`${name}\` must be an integer from ${min} to ${max}`);
  return v as number;
}

/** How many times the header `lowerName` appears (1 when the raw headers are not known). */
function headerCount(rawHeaders: readonly string[] | undefined, lowerName: string): number {
  if (rawHeaders === undefined) return 1;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lowerName) count += 1;
  return count;
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
  const algorithms = parseAlgorithmsOption(options.algorithms ?? DEFAULT_ALGORITHMS, 'algorithms');
  const iatWindowSeconds = integer('iatWindowSeconds', options.iatWindowSeconds, 60, 1, 3600);
  const leewaySeconds = integer('leewaySeconds', options.leewaySeconds, 5, 0, 300);
  const replayStore = options.replayStore ?? createMemoryDpopReplayStore();
  if (typeof replayStore?.useOnce !== 'function')
    throw new TypeError('option `replayStore` must be a DpopReplayStore (useOnce(key, ttlMs))');
  const { nonces } = options;
  if (nonces !== undefined && (typeof nonces?.issue !== 'function' || typeof nonces.accepts !== 'function'))
    throw new TypeError('option `nonces` must come from createDpopNonces()');
  const required = options.required ?? false;
  if (typeof required !== 'boolean') throw new TypeError('option `required` must be a boolean');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function');
  const replayTtlMs = dpopReplayTtlMs({ iatWindowSeconds, leewaySeconds });
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
      if (typeof header !== 'string' || headerCount(req.rawHeaders, 'dpop') !== 1)
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
        first = await replayStore.useOnce(dpopReplayKey(proof), replayTtlMs);
      } catch (cause) {
        const retry = (cause as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
        throw new DpopTokenRequestError('ERR_DPOP_REPLAY_STORE_UNAVAILABLE', 'store', {
          cause,
          headers: { 'Retry-After': String(typeof retry === 'number' && retry > 0 ? Math.ceil(retry) : 1) },
        });
      }
      if (!first) throw new DpopTokenRequestError('ERR_DPOP_PROOF_REPLAYED', 'replayed');
      return proof.jkt;
    },
  });
}
