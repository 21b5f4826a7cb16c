import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_INPUT, createAlgorithmKeys, type BenchAlgorithm } from './keys.js';
import { runLoginStorm, type LoginStormRow } from './login-storm.js';
import { renderSigningCores, runSigningCores } from './signing-cores.js';

/** Bytes of one access token per algorithm, with the same claims (iss, sub, aud, exp, iat, jti, client_id, scope). */
export async function tokenSizes(ctx: Readonly<{ issuer: string; audience: string }>): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'] as const satisfies readonly BenchAlgorithm[]) {
    const { signer } = await createAlgorithmKeys(alg, ctx);
    sizes[alg] = Buffer.byteLength((await signer.sign(BENCH_INPUT)).token);
  }
  return sizes;
}

/** Min and max of the same-round ratios: the wobble beside a median ratio. */
function spread(values: readonly number[]): string {
  if (values.length === 0) return '–';
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
}

function renderExtras(sizes: Record<string, number>, storm: readonly LoginStormRow[]): string {
  const lines = [
    '## Algorithms (issue #16): token sizes and the login storm',
    '',
    '| alg | access token bytes (same claims) |',
    '|---|---|',
    ...Object.entries(sizes).map(([alg, bytes]) => `| ${alg} | ${bytes} |`),
    '',
    'Login storm: 64 connections on `GET /login` (one RS256 signature each) while 4 connections fetch the JWKS;',
    'the auth service pinned to one core. A JWKS request unanswered when the window closed counts with its wait. `sync` signs on the event loop (how logins were signed before), `threadpool`',
    "through the ring's Signer (callback `crypto.sign`).",
    '',
    '| variant | logins/s | JWKS req/s | JWKS p50 ms | JWKS p99 ms (rounds) | unanswered | idle JWKS p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...storm.map(
      (row) =>
        `| ${row.variant} | ${Math.round(row.loginsPerSec)} | ${Math.round(row.jwksPerSec)} | ${row.jwksP50Ms} | ${row.jwksP99Ms} (${row.rounds.map((r) => r.jwksP99Ms).join(', ')}) | ${row.unanswered} | ${row.idleP99Ms} |`,
    ),
  ];
  const [sync, pool] = [storm.find((r) => r.variant === 'sync'), storm.find((r) => r.variant === 'threadpool')];
  if (sync && pool) {
    const ratios = sync.rounds.map((r, i) => r.jwksP99Ms / (pool.rounds[i]?.jwksP99Ms ?? Number.NaN));
    lines.push(
      '',
      `JWKS p99 during the storm, sync ÷ threadpool: median ${(sync.jwksP99Ms / pool.jwksP99Ms).toFixed(2)}× (same-round spread ${spread(ratios)}).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the parts of the algorithm benchmark that are not rows of the interleaved run: token sizes per
 * algorithm, the login storm (its own two server processes, after every other scenario finished), and
 * signing throughput per algorithm on one core against both (`signing-cores.ts`).
 * Writes `results/algorithms.md` and `results/algorithms.json`; returns the markdown.
 */
export async function runAlgorithmExtras(
  options: Readonly<{
    resultsDir: string;
    quick: boolean;
    pinCore?: number;
    ctx: Readonly<{ issuer: string; audience: string }>;
    log: (line: string) => void;
  }>,
): Promise<string> {
  const sizes = await tokenSizes(options.ctx);
  const storm = await runLoginStorm({
    rounds: options.quick ? 2 : 4,
    durationSec: options.quick ? 3 : 8,
    ...(options.pinCore === undefined ? {} : { pinCore: options.pinCore }),
    log: options.log,
  });
  const [coreRounds, coreSeconds] = options.quick ? [2, 1] : [3, 3];
  const cores = await runSigningCores({ rounds: coreRounds, seconds: coreSeconds, log: options.log });
  const markdown = `${renderExtras(sizes, storm)}${cores ? `\n${renderSigningCores(cores, coreRounds, coreSeconds)}` : ''}`;
  await writeFile(
    join(options.resultsDir, 'algorithms.json'),
    `${JSON.stringify({ sizes, storm, signingCores: cores ?? null }, null, 2)}\n`,
  );
  await writeFile(join(options.resultsDir, 'algorithms.md'), markdown);
  return markdown;
}
