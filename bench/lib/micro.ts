import type { MicroBench, MicroVariant } from './types.js';

/** Length of one slice: variants alternate slice by slice, so that load drift hits them alike. */
const SLICE_MS = 200;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Runs one variant for about `durationMs`; returns the operations done and the time taken. */
async function slice(variant: MicroVariant, durationMs: number): Promise<{ ops: number; ms: number }> {
  const start = performance.now();
  const deadline = start + durationMs;
  const first = variant.run();
  let ops = 1;
  if (!isThenable(first)) {
    for (;;) {
      for (let i = 0; i < 8; i += 1) variant.run();
      ops += 8;
      if (performance.now() >= deadline) break;
    }
  } else {
    await first;
    const lanes = Array.from({ length: variant.concurrency ?? 1 }, async () => {
      while (performance.now() < deadline) {
        await variant.run();
        ops += 1;
      }
    });
    await Promise.all(lanes);
  }
  return { ops, ms: performance.now() - start };
}

/**
 * Measures every variant for `durationMs` in total, alternating them in slices of 200 ms
 * (A B A B …) in the same process on the same core. Returns operations per second per variant.
 */
export async function runMicro(bench: MicroBench, durationMs: number): Promise<Record<string, number>> {
  const totals = bench.variants.map(() => ({ ops: 0, ms: 0 }));
  const slices = Math.max(1, Math.round(durationMs / SLICE_MS));
  for (let s = 0; s < slices; s += 1) {
    for (const [i, variant] of bench.variants.entries()) {
      const { ops, ms } = await slice(variant, SLICE_MS);
      totals[i]!.ops += ops;
      totals[i]!.ms += ms;
    }
  }
  return Object.fromEntries(bench.variants.map((v, i) => [v.name, totals[i]!.ops / (totals[i]!.ms / 1000)]));
}
