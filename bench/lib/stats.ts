/** Median of a non-empty list (mean of the middle two for even lengths); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Same-round ratios `a[i] / b[i]` for the rounds both have. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) out.push(a[i]! / b[i]!);
  return out;
}

/** The `q`-quantile (0…1) of the finite values, linearly interpolated; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** How a per-round figure spread across rounds: median, quartiles, extremes and the number of rounds. */
export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

/** The {@link Spread} of per-round values. */
export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: median(finite),
    p25: quantile(finite, 0.25),
    p75: quantile(finite, 0.75),
    min: finite.length > 0 ? Math.min(...finite) : Number.NaN,
    max: finite.length > 0 ? Math.max(...finite) : Number.NaN,
    rounds: finite.length,
  };
}

/**
 * The median of same-round `values` per server process, when round `r` ran process `r mod processes`: one figure
 * per process (or per pair of processes, for ratios), so that a reader sees whether one process decided the result.
 */
export function perProcess(values: readonly number[], processes: number): number[] {
  return Array.from({ length: Math.min(processes, values.length) }, (_, p) =>
    median(values.filter((_, round) => round % processes === p)),
  );
}
