import type { HealthState, KeySetHealth } from '../key-set-health.js';
import type { ResolvedIssuer } from './resolve-verifier-options.js';

/** Health of a verifier: the worst state of its key sets, and each set's snapshot by issuer. */
export interface VerifierHealth {
  readonly state: HealthState;
  /** Per trusted issuer; a key set without `health()` (a local set) is reported `{ state: 'ok' }`. */
  readonly keySets: Readonly<Record<string, KeySetHealth | { readonly state: 'ok' }>>;
}

const RANK: Readonly<Record<HealthState, number>> = { ok: 0, stale: 1, failing: 2 };

/** The verifier's health from its issuers' key sets. */
export function verifierHealth(issuers: Iterable<ResolvedIssuer>): VerifierHealth {
  let state: HealthState = 'ok';
  const keySets: Record<string, KeySetHealth | { readonly state: 'ok' }> = {};
  for (const { issuer, keySet } of issuers) {
    const snapshot = keySet.health?.() ?? { state: 'ok' as const };
    if (RANK[snapshot.state] > RANK[state]) state = snapshot.state;
    keySets[issuer] = snapshot;
  }
  return { state, keySets };
}
