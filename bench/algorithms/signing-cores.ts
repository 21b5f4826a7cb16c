import { execFile } from 'node:child_process';
import { sign, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { signatureParameters, type SigningAlgorithm } from '@jwks-kit/issuer';
import { canPin } from '../lib/machine.js';
import { BENCH_INPUT, createAlgorithmKeys } from './keys.js';

// Access tokens signed per second on one core and on both cores, per algorithm, by the issuer's signer
// (the ring's Signer: callback crypto.sign on libuv's threadpool) and by raw callback crypto.sign with
// the same key over a signing input of the same size, each in a child process pinned with taskset,
// interleaved in rounds. Run alone: node --import tsx bench/algorithms/signing-cores.ts [rounds=3] [seconds=3]

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const VARIANTS = ['signer', 'crypto.sign'] as const;
const CORES = { '1 core': '0', '2 cores': '0,1' } as const;
/** Operations in flight: four times the threadpool's four threads, as a login storm meets the signer. */
const IN_FLIGHT = 16;
const signAsync = promisify(sign);

type Variant = (typeof VARIANTS)[number];
type Cores = keyof typeof CORES;

/** One algorithm's figures: per variant and core count, ops/s of every round. */
export interface SigningCoresRow {
  readonly alg: SigningAlgorithm;
  readonly rounds: Readonly<Record<Variant, Readonly<Record<Cores, readonly number[]>>>>;
}

async function child(alg: SigningAlgorithm, variant: Variant, seconds: number): Promise<void> {
  const { signer, signingKey } = await createAlgorithmKeys(alg, { issuer: 'https://auth.bench', audience: 'api' });
  const sample = await signer.sign(BENCH_INPUT);
  const input = Buffer.from(sample.token.slice(0, sample.token.lastIndexOf('.')));
  const { hash, key } = signatureParameters(signingKey as KeyObject, alg);
  const once = variant === 'signer' ? () => signer.sign(BENCH_INPUT) : () => signAsync(hash, input, key);
  for (let i = 0; i < 50; i += 1) await once(); // warm up
  let done = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(seconds * 1e9);
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (process.hrtime.bigint() < deadline) {
        await once();
        done += 1;
      }
    }),
  );
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ opsPerSec: done / elapsedS })}\n`);
}

async function measure(alg: SigningAlgorithm, variant: Variant, cores: Cores, seconds: number): Promise<number> {
  const { stdout } = await run(
    'taskset',
    ['-c', CORES[cores], process.execPath, '--import', 'tsx', SELF, '--child', alg, variant, String(seconds)],
    { maxBuffer: 1 << 20 },
  );
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { opsPerSec: number }).opsPerSec;
}

/** Runs `rounds` interleaved rounds (every algorithm, variant and core count once per round). */
export async function runSigningCores(
  options: Readonly<{ rounds: number; seconds: number; log: (line: string) => void }>,
): Promise<readonly SigningCoresRow[] | undefined> {
  if (!canPin()) {
    options.log('signing-cores: skipped (needs taskset and at least 2 cores)');
    return undefined;
  }
  const rows = ALGORITHMS.map((alg) => ({
    alg,
    rounds: Object.fromEntries(
      VARIANTS.map((variant) => [variant, { '1 core': [] as number[], '2 cores': [] as number[] }]),
    ) as Record<Variant, Record<Cores, number[]>>,
  }));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const row of rows) {
      // Alternate the order within a round, so that neither side always runs first.
      const order = VARIANTS.flatMap((variant) =>
        (Object.keys(CORES) as Cores[]).map((cores) => [variant, cores] as const),
      );
      for (const [variant, cores] of round % 2 === 0 ? order : [...order].reverse()) {
        row.rounds[variant][cores].push(await measure(row.alg, variant, cores, options.seconds));
      }
      options.log(`signing-cores: round ${round + 1}/${options.rounds} ${row.alg} done`);
    }
  }
  return rows;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const range = (values: readonly number[], digits: number) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const ratios = (a: readonly number[], b: readonly number[]) => a.map((value, i) => value / b[i]!);
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ops = (values: readonly number[]) =>
  `${int(median(values))} (${int(Math.min(...values))}–${int(Math.max(...values))})`;
const ratio = (values: readonly number[]) => `${median(values).toFixed(2)} (${range(values, 2)})`;

/** The markdown table: medians with the min–max over rounds in brackets. */
export function renderSigningCores(rows: readonly SigningCoresRow[], rounds: number, seconds: number): string {
  return [
    '## Signing throughput per algorithm: one core against both (issue #16)',
    '',
    `Access tokens signed per second, ${IN_FLIGHT} in flight, each measurement a process pinned with taskset to core 0`,
    `(\`1 core\`) or cores 0 and 1 (\`2 cores\`); ${rounds} interleaved rounds of ${seconds} s. \`signer\`:`,
    "`createAccessTokenSigner().sign()` over a key ring of the algorithm (claims, JSON, base64url, the ring's Signer on",
    "libuv's threadpool); `crypto.sign`: raw callback `crypto.sign` of a signing input of the same size with the same key.",
    'Median, with the min–max over rounds in brackets; ratios are computed per round.',
    '',
    '| alg | signer, 1 core | signer, 2 cores | 2 : 1 (signer) | crypto.sign, 1 core | crypto.sign, 2 cores | 2 : 1 (crypto.sign) | signer ÷ crypto.sign, 1 core | signer ÷ crypto.sign, 2 cores |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ alg, rounds: r }) =>
      [
        alg,
        ops(r.signer['1 core']),
        ops(r.signer['2 cores']),
        ratio(ratios(r.signer['2 cores'], r.signer['1 core'])),
        ops(r['crypto.sign']['1 core']),
        ops(r['crypto.sign']['2 cores']),
        ratio(ratios(r['crypto.sign']['2 cores'], r['crypto.sign']['1 core'])),
        ratio(ratios(r.signer['1 core'], r['crypto.sign']['1 core'])),
        ratio(ratios(r.signer['2 cores'], r['crypto.sign']['2 cores'])),
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
    '',
  ].join('\n');
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as SigningAlgorithm, process.argv[4] as Variant, Number(process.argv[5]));
} else if (process.argv[1] === SELF) {
  const [rounds = 3, seconds = 3] = process.argv.slice(2).map(Number);
  const rows = await runSigningCores({ rounds, seconds, log: (line) => console.error(line) });
  if (rows) process.stdout.write(renderSigningCores(rows, rounds, seconds));
}
