import { resolve } from 'node:path';

/** Command-line options of `pnpm bench`. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Scenario ids or issue numbers; bare Express is always added. */
  readonly only: readonly string[] | undefined;
  readonly rounds: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  /** Distinct tokens signed for the distinct-token scenarios. */
  readonly poolSize: number;
  /** Scenario ids whose server process runs with `--cpu-prof` (profiles in bench/results/profiles). */
  readonly profile: readonly string[];
  /**
   * Root of another checkout (a worktree of the same commit with a change applied or reverted): every selected
   * HTTP scenario but bare also runs from that checkout's `bench/server.ts`, as row `<id>@against` in the same
   * rounds, and the row's first ratio is to its twin. Results then go to `results/against.{json,md}`.
   */
  readonly against: string | undefined;
}

export const USAGE = `usage: pnpm bench [--quick] [--only=id|number,…] [--rounds=N] [--duration=SEC] [--warmup=SEC]
                  [--connections=N] [--pool=N] [--profile=id,…] [--against=DIR]
  --quick     4 rounds of 1 s, smaller token pool and denylists: a few minutes
  --only      run only these scenarios (bare Express is always included: it is the baseline)
  --profile   run these scenarios' server processes with node --cpu-prof
  --against   also run each selected HTTP scenario from the checkout at DIR (row <id>@against, same rounds)`;

/** Parses `process.argv.slice(2)`; throws with the usage on anything unknown. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    values.set(match[1], match[2] ?? 'true');
  }
  const known = ['quick', 'only', 'rounds', 'duration', 'warmup', 'connections', 'pool', 'profile', 'against', 'help'];
  for (const key of values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  if (values.has('help')) throw new Error(USAGE);
  const quick = values.get('quick') === 'true';
  const num = (key: string, fallback: number) => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} takes a positive number, got ${raw}`);
    return n;
  };
  const list = (key: string) =>
    values
      .get(key)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    quick,
    only: list('only'),
    // short slices, many rounds: every server runs all along, so drift on a shared machine hits all alike
    rounds: Math.round(num('rounds', quick ? 4 : 20)),
    durationSec: num('duration', quick ? 1 : 2),
    warmupSec: num('warmup', quick ? 1 : 3),
    connections: Math.round(num('connections', 32)),
    poolSize: Math.round(num('pool', quick ? 6_000 : 20_000)),
    profile: list('profile') ?? [],
    against: values.has('against') ? resolve(values.get('against')!) : undefined,
  };
}
