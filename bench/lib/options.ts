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
  /**
   * Distinct tokens signed for the distinct-token scenarios. By default enough that no server meets a token twice
   * during the warm-up and the rounds ({@link firstSeenPoolSize}).
   */
  readonly poolSize: number;
  /** Scenario ids whose server process runs with `--cpu-prof` (profiles in bench/results/profiles). */
  readonly profile: readonly string[];
  /**
   * Root of another checkout (a worktree of the same commit with a change applied or reverted): every selected
   * HTTP scenario but bare also runs from that checkout's `bench/server.ts`, as row `<id>@against` in the same
   * rounds, and the row's first ratio is to its twin. Results then go to `results/against.{json,md}`.
   */
  readonly against: string | undefined;
  /**
   * Server processes per scenario. Round `r` loads process `r mod N` of every scenario, so that a same-round ratio
   * pairs process `i` with process `i`: one process's luck (code placement, hash seeds, when the JIT optimised
   * what) then weighs on 1/N of the rounds, not on all of them. `undefined`: chosen by {@link defaultProcesses}.
   */
  readonly processes: number | undefined;
}

export const USAGE = `usage: pnpm bench [--quick] [--only=id|number,…] [--rounds=N] [--duration=SEC] [--warmup=SEC]
                  [--connections=N] [--pool=N] [--processes=N] [--profile=id,…] [--against=DIR]
  --quick     4 rounds of 1 s, smaller token pool and denylists: a few minutes
  --warmup    untimed load per server process before the rounds (default: 10 s; 1 s with --quick)
  --pool      distinct tokens to sign (default: 8,000 per second of warm-up and rounds, none seen twice)
  --processes server processes per scenario, taking turns by round (default: 4, fewer when more than 12
              scenarios are selected, so that at most 48 run at once; 1 with --quick)
  --only      run only these scenarios (bare Express is always included: it is the baseline)
  --profile   run these scenarios' server processes with node --cpu-prof
  --against   also run each selected HTTP scenario from the checkout at DIR (row <id>@against, same rounds)`;

/**
 * Requests per second that no distinct-token server reaches on the machines this bench runs on (the floor of row 15
 * saturates at ~7,000 on one pinned core of the reference machine): the default pool is this rate times the
 * warm-up and the rounds, so every distinct-token request is the token's first sighting at its server, as in the
 * issue's own method. A faster machine that outruns it is reported (`report.ts` notes the rows whose cursor wrapped).
 */
export const FIRST_SEEN_RATE = 8_000;

/**
 * The default pool: {@link FIRST_SEEN_RATE} × (a warm-up per process + rounds × duration) tokens, rounded up to a
 * thousand (the processes of a scenario share one cursor, so each token is seen by one of them).
 */
export function firstSeenPoolSize(rounds: number, durationSec: number, warmupSec: number, processes: number): number {
  return Math.ceil((FIRST_SEEN_RATE * (processes * warmupSec + rounds * durationSec)) / 1000) * 1000;
}

/** Most server processes per scenario chosen by default. */
const MAX_PROCESSES = 4;
/** Most server processes running at once by default (each holds 80–250 MB). */
const MAX_SERVER_PROCESSES = 48;

/** Processes per scenario when `--processes` is not given: 4, or fewer so that at most 48 run at once (at least 1). */
export function defaultProcesses(scenarios: number): number {
  return Math.max(1, Math.min(MAX_PROCESSES, Math.floor(MAX_SERVER_PROCESSES / Math.max(1, scenarios))));
}

/** Parses `process.argv.slice(2)`; throws with the usage on anything unknown. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    values.set(match[1], match[2] ?? 'true');
  }
  const known = [
    'quick',
    'only',
    'rounds',
    'duration',
    'warmup',
    'connections',
    'pool',
    'processes',
    'profile',
    'against',
    'help',
  ];
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
  // short slices, many rounds: every server runs all along, so drift on a shared machine hits all alike
  const rounds = Math.round(num('rounds', quick ? 4 : 20));
  const durationSec = num('duration', quick ? 1 : 2);
  // a process is timed only once its heap and JIT are settled: with 3 s per process and 4 processes, the mirror
  // row (whose 10,000 revocations start its heap large) ran 1.11x [1.09-1.17] the row without a denylist; with 12 s,
  // 0.99x [0.91-1.05], as with one process
  const warmupSec = num('warmup', quick ? 1 : 10);
  const processes = values.has('processes') ? Math.round(num('processes', 1)) : quick ? 1 : undefined;
  return {
    quick,
    only: list('only'),
    rounds,
    durationSec,
    warmupSec,
    connections: Math.round(num('connections', 32)),
    poolSize: Math.round(num('pool', firstSeenPoolSize(rounds, durationSec, warmupSec, processes ?? MAX_PROCESSES))),
    profile: list('profile') ?? [],
    against: values.has('against') ? resolve(values.get('against')!) : undefined,
    processes,
  };
}
