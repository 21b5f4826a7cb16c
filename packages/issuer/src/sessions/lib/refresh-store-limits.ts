/** How many recent access tokens a family remembers, so that logout can denylist them. */
export const MAX_TRACKED_ACCESS_TOKENS = 32;

/** The deadline of a family used at `nowMs`: idle timeout from now, capped by the absolute lifetime. */
export function nextExpiry(absoluteExpiresAt: number, nowMs: number, idleTimeoutMs: number): number {
  return Math.min(absoluteExpiresAt, nowMs + idleTimeoutMs);
}
