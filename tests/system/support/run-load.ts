/** Tally of a load run: outcomes (e.g. "200", "503 denylist_unavailable") with their counts, and latencies. */
export type LoadResult = Readonly<{
  sent: number;
  outcomes: ReadonlyMap<string, number>;
  latenciesMs: readonly number[];
}>;

/** Options of {@link runLoad}. */
export type LoadOptions = Readonly<{
  /** Parallel request loops. */
  concurrency: number;
  /** Keeps sending while this answers true (checked before each request). */
  running: () => boolean;
  /** Sends one request and names its outcome. */
  send: (worker: number, index: number) => Promise<string>;
}>;

/** Runs closed-loop load: `concurrency` loops, each sending as soon as its previous answer arrived. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const outcomes = new Map<string, number>();
  const latenciesMs: number[] = [];
  let sent = 0;
  const loop = async (worker: number) => {
    while (options.running()) {
      const index = sent++;
      const started = performance.now();
      let outcome: string;
      try {
        outcome = await options.send(worker, index);
      } catch (error) {
        outcome = `error ${(error as Error).message}`;
      }
      latenciesMs.push(performance.now() - started);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, worker) => loop(worker)));
  return { sent, outcomes, latenciesMs };
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
