/** Compares two Redis Stream ids (`<ms>-<seq>`): negative when `a` is earlier, 0 when equal, positive when later. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/** True when stream id `a` is earlier than `b`. */
export function isBefore(a: string, b: string): boolean {
  return compareStreamIds(a, b) < 0;
}

/** The first stream id at `ms` (Redis time). */
export function streamIdAt(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}
