import type { MicroBench, MicroVariant } from './types.js';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Runs one variant for `durationMs` and returns operations per second. */
async function measure(variant: MicroVariant, durationMs: number): Promise<number> {
  const start = performance.now();
  const deadline = start + durationMs;
  const first = variant.run();
  let ops = 1;
  if (!isThenable(first)) {
    for (;;) {
      for (let i = 0; i < 16; i += 1) variant.run();
      ops += 16;
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
  return ops / ((performance.now() - start) / 1000);
}

/** Measures every variant one after the other (same round, same process, same core). */
export async function runMicro(bench: MicroBench, durationMs: number): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const variant of bench.variants) result[variant.name] = await measure(variant, durationMs);
  return result;
}
