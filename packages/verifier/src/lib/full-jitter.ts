/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random
 * wait in `[0, min(maxMs, initialMs * 2^(attempt-1))]`, so replicas that failed together do not retry
 * together. `attempt` counts consecutive failures from 1. The JWKS refetch uses it, and it is exported so
 * that Redis clients (ioredis `retryStrategy`) reconnect with the same rule.
 */
export function fullJitterMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const capMs = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.floor(random() * (capMs + 1));
}
