import { VerifierError } from '../errors.js';
import type { KeySet } from '../key-set.js';

const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * The refusal for a kid the key set does not serve while the set is unhealthy (never loaded, last fetch
 * failed, stale past its bound): 503 `keys_unavailable` with `Retry-After` until the next fetch is due, the
 * latest fetch error as `cause`. `undefined` when the set is healthy (or reports no health): an unknown kid
 * then is the token's fault (401).
 */
export function keysUnavailable(keySet: KeySet, realm: string, nowMs: number): VerifierError | undefined {
  const health = keySet.health?.();
  if (health === undefined || health.state === 'ok') return undefined;
  const waitMs = health.nextRefreshAtMs === undefined ? 0 : health.nextRefreshAtMs - nowMs;
  const retryAfterSeconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(waitMs / 1000)));
  return new VerifierError('keys_unavailable', {
    realm,
    retryAfterSeconds,
    cause: health.lastError ?? new Error(`the key set serves no key (health: ${health.state})`),
  });
}
