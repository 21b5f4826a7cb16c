/** The deadline of a family used at `nowMs`: idle timeout from now, capped by the absolute lifetime. */
export function nextExpiry(absoluteExpiresAtMs: number, nowMs: number, idleTimeoutMs: number): number {
  return Math.min(absoluteExpiresAtMs, nowMs + idleTimeoutMs);
}
