import { jwsAlgorithmEntry, parseAlgorithmsOption, type JwsAlgorithm } from '../jws-algorithms.js';
import type { DpopNonces } from './dpop-nonces.js';
import { dpopReplayKey, dpopReplayTtlMs, type DpopReplayStore } from './dpop-replay-store.js';
import { createMemoryDpopReplayStore } from './memory-dpop-replay-store.js';
import type { VerifiedDpopProof } from './verify-dpop-proof.js';

/** The proof settings a resource server (`requireAuth`'s `dpop`) and a token endpoint share. */
export type DpopProofPolicyOptions = Readonly<{
  /** Proof algorithms accepted (asymmetric only). @default ['ES256', 'EdDSA'] */
  algorithms?: readonly JwsAlgorithm[];
  /** A proof's `iat` may be this far from now, either way (1–3600). @default 60 */
  iatWindowSeconds?: number;
  /** Clock skew allowed on top of `iatWindowSeconds` (0–300). @default 5 */
  leewaySeconds?: number;
  /** Where each proof's `jkt:jti` is recorded once; a store that rejects means 503. @default createMemoryDpopReplayStore() */
  replayStore?: DpopReplayStore;
  /** Server nonces (`createDpopNonces`): when set, every proof must carry a current one. @default undefined */
  nonces?: DpopNonces;
}>;

/** {@link DpopProofPolicyOptions} checked once, with the replay TTL worked out. */
export interface DpopProofPolicy {
  readonly algorithms: readonly JwsAlgorithm[];
  readonly iatWindowSeconds: number;
  readonly leewaySeconds: number;
  readonly replayTtlMs: number;
  readonly replayStore: DpopReplayStore;
  readonly nonces: DpopNonces | undefined;
}

/** The proof algorithms accepted when none are configured. */
export const DEFAULT_DPOP_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['ES256', 'EdDSA']);

/**
 * Validates the shared DPoP proof settings (TypeError ``option `<prefix>x` must …``): asymmetric algorithms only,
 * bounded windows, a replay store and nonces of the right shape. `prefix` names the option group (`'dpop.'`).
 */
export function resolveDpopProofPolicy(options: DpopProofPolicyOptions, prefix = ''): DpopProofPolicy {
  const algorithms = parseAlgorithmsOption(options.algorithms ?? DEFAULT_DPOP_ALGORITHMS, `${prefix}algorithms`);
  for (const alg of algorithms)
    if (jwsAlgorithmEntry(alg)?.kty === 'oct')
      throw new TypeError(`option \`${prefix}algorithms\` must list asymmetric algorithms only`);
  const iatWindowSeconds = integer(`${prefix}iatWindowSeconds`, options.iatWindowSeconds, 60, 1, 3600);
  const leewaySeconds = integer(`${prefix}leewaySeconds`, options.leewaySeconds, 5, 0, 300);
  const replayStore = options.replayStore ?? createMemoryDpopReplayStore();
  if (typeof replayStore?.useOnce !== 'function')
    throw new TypeError(`option \`${prefix}replayStore\` must be a DpopReplayStore (useOnce(key, ttlMs))`);
  const { nonces } = options;
  if (nonces !== undefined && (typeof nonces?.issue !== 'function' || typeof nonces.accepts !== 'function'))
    throw new TypeError(`option \`${prefix}nonces\` must come from createDpopNonces()`);
  return Object.freeze({
    algorithms,
    iatWindowSeconds,
    leewaySeconds,
    replayTtlMs: dpopReplayTtlMs({ iatWindowSeconds, leewaySeconds }),
    replayStore,
    nonces,
  });
}

/** The store could not record a proof's use: answer 503 with `Retry-After: retryAfterSeconds`, never accept. */
export class DpopReplayUnavailableError extends Error {
  override readonly name = 'DpopReplayUnavailableError';
  readonly code = 'ERR_DPOP_REPLAY_UNAVAILABLE';
  /** Seconds to wait before retrying: the store's own hint, else 1. */
  readonly retryAfterSeconds: number;

  constructor(cause: unknown) {
    super('The DPoP replay store could not record the proof', { cause });
    const hint = (cause as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    this.retryAfterSeconds = typeof hint === 'number' && hint > 0 ? Math.ceil(hint) : 1;
  }
}

/**
 * Records a verified proof's single use: true the first time, false for a replay. Rejects with a
 * {@link DpopReplayUnavailableError} when the store fails (fail closed).
 */
export async function useDpopProofOnce(policy: DpopProofPolicy, proof: VerifiedDpopProof): Promise<boolean> {
  try {
    return await policy.replayStore.useOnce(dpopReplayKey(proof), policy.replayTtlMs);
  } catch (cause) {
    throw new DpopReplayUnavailableError(cause);
  }
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw new TypeError(`option \`${name}\` must be an integer from ${min} to ${max}`);
  return v as number;
}
