/**
 * `pnpm bench`: measures jwks-kit side by side with the middlewares users would otherwise pick
 * and with the raw crypto floor, in one run. Every scenario runs in its own process (pinned to
 * core 1 when two cores exist); autocannon, Redis and the JWKS server stay on core 0. After a
 * warm-up, rounds are interleaved (A, B, C, then again) and ratios are taken within a round.
 * Writes bench/results/latest.json and latest.md. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createDpopKey, createTestKeyPair, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { jwkThumbprint } from '@jwks-kit/core';
import { runAlgorithmExtras } from './algorithms/extras.js';
import { selectScenarios, type ScenarioDef } from './scenarios/index.js';
import { withTwins } from './lib/against.js';
import { startJwksServer } from './lib/jwks-server.js';
import { canPin, machineInfo, pinSelf } from './lib/machine.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { defaultProcesses, parseOptions } from './lib/options.js';
import {
  writeReport,
  renderMarkdown,
  type RatioSpread,
  type Report,
  type ReportRow,
  type TargetResult,
} from './lib/report.js';
import { spawnServer, type ServerProcess } from './lib/server-process.js';
import { median, perProcess, roundRatios, spreadOf, type Spread } from './lib/stats.js';
import { measureP99DuringMirrorLoad } from './lib/mirror-load-phase.js';
import { TARGETS } from './lib/targets.js';
import { createTokenPool, signToken } from './lib/token-pool.js';
import { claimsFor } from './lib/claims.js';
import { revokedJti, seedRevocations } from './lib/seed-revocations.js';
import type { LoadPlan, ParentTokens, ScenarioContext } from './lib/types.js';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));
const ISSUER = 'https://auth.bench.example';
const AUDIENCE = 'https://api.bench.example';

interface Running {
  readonly def: ScenarioDef;
  /** The scenario's server processes (`--processes`); round `r` loads `servers[r mod N]`. */
  readonly servers: readonly ServerProcess[];
  readonly plan?: LoadPlan;
}

/** The process of `running` that round `round` loads. */
const serverOf = (running: Running, round: number) => running.servers[round % running.servers.length]!;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const pinned = canPin();
  if (pinned) pinSelf(0);
  const machine = machineInfo(pinned);
  log(
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, OpenSSL ${machine.openssl}, pinned: ${pinned}`,
  );
  const chosen = selectScenarios(options.only);
  const selected = options.against === undefined ? chosen : withTwins(chosen, options.against);
  const processes = options.processes ?? defaultProcesses(selected.filter((s) => s.kind !== 'probe').length);
  // Live revocations in Redis: the small denylist (mirror, lookup, idle probe), the large one (mirror, memory probe).
  const revocations = options.quick ? 2_000 : 10_000;
  const largeRevocations = options.quick ? 50_000 : 1_000_000;

  const key = await createTestKeyPair();
  const otherKey = await createTestKeyPair();
  const jwks = await startJwksServer([key.publicJwk]);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const base = { issuer: ISSUER, audience: AUDIENCE };
  const repeatedClaims = claimsFor(base, 999_999, nowSeconds);
  const repeated = signToken(key.privateKey, key.kid, repeatedClaims);
  // Same header (kid) and claims, signed by a key the JWKS does not hold.
  const badSignature = signToken(otherKey.privateKey, key.kid, repeatedClaims);
  const needsPool =
    selected.some((s) => s.kind === 'http' && s.id !== 'bare') || selected.some((s) => s.kind === 'probe');
  const poolStart = Date.now();
  const pool = needsPool ? await createTokenPool(key.privateJwk, key.kid, base, options.poolSize) : [];
  if (needsPool) log(`signed ${pool.length} distinct tokens in ${((Date.now() - poolStart) / 1000).toFixed(1)} s`);
  const revoked = signToken(key.privateKey, key.kid, { ...claimsFor(base, 999_998, nowSeconds), jti: revokedJti(0) });
  const dpopKey = createDpopKey('ES256');
  const dpopBound = signToken(key.privateKey, key.kid, {
    ...claimsFor(base, 999_997, nowSeconds),
    cnf: { jkt: jwkThumbprint(dpopKey.publicJwk) },
  });
  const tokens: ParentTokens = { repeated, pool, badSignature, revoked, dpopBound, dpopKey };

  let redis: TestRedis | undefined;
  const keyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  const largeKeyPrefix = `bench:${randomBytes(4).toString('hex')}:large:`;
  if (selected.some((s) => s.needsRedis)) {
    redis = await startRedis({ forceSpawn: true });
    for (const [prefix, count] of [
      [keyPrefix, revocations],
      ...(selected.some((s) => s.id === 'require-auth-mirror-1m' || s.id === 'memory')
        ? [[largeKeyPrefix, largeRevocations] as const]
        : []),
    ] as const) {
      const seedStart = Date.now();
      await seedRevocations(redis.url, { issuer: ISSUER, keyPrefix: prefix, count });
      log(`seeded ${count} revocations under ${prefix} in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    }
  }
  const ctx: ScenarioContext = {
    jwksUri: jwks.jwksUri,
    issuer: ISSUER,
    audience: AUDIENCE,
    keyPrefix,
    poolSize: options.poolSize,
    revocations,
    largeKeyPrefix,
    largeRevocations,
    memoryDenylistEntries: options.quick ? 200_000 : 1_000_000,
    ...(redis ? { redisUrl: redis.url } : {}),
  };

  const running: Running[] = [];
  const cleanup = async () => {
    await Promise.all(running.flatMap((r) => r.servers.map((server) => server.close())));
    await redis?.stop();
    await jwks.close();
  };
  // Interrupted (Ctrl-C, timeout): stop the Redis server this run started; children leave by themselves.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  const rows = new Map<string, ReportRow>();
  const failures = new Map<string, string>();
  const probes: ScenarioDef[] = [];
  try {
    for (const def of selected) {
      if (def.kind === 'probe') {
        probes.push(def);
        continue;
      }
      const servers: ServerProcess[] = [];
      try {
        let plan: LoadPlan | undefined;
        for (let i = 0; i < processes; i += 1) {
          const server = await spawnServer({
            scenarioId: def.runs?.scenarioId ?? def.id,
            ...(def.runs ? { entry: def.runs.entry } : {}),
            ctx,
            ...(pinned ? { pinCore: 1 } : {}),
            ...(options.profile.includes(def.id)
              ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}/profiles`] }
              : {}),
          });
          servers.push(server);
          // every process passes the pre-flight checks before any is timed
          if (def.kind === 'http') plan = await def.prepare!(server.baseUrl!, tokens);
        }
        running.push({ def, servers, ...(plan ? { plan } : {}) });
        log(
          `${def.id}: ${def.kind === 'http' ? 'pre-flight checks passed' : 'ready'} (${servers.length} process${servers.length === 1 ? '' : 'es'})`,
        );
      } catch (error) {
        await Promise.all(servers.map((server) => server.close()));
        failures.set(def.id, error instanceof Error ? error.message : String(error));
        log(`${def.id}: FAILED ${failures.get(def.id)}`);
      }
    }

    // One cursor per server: each walks the pool in order, and the default pool outlasts any server's warm-up and
    // rounds, so every distinct-token request is the token's first sighting at its server (a cache miss the
    // admission filter does not admit). A cursor that passes the end is reported. (One cursor shared by all
    // servers let a server meet tokens it had cached a few slices earlier: cache hits in rows meant to have none.)
    const cursors = new Map<string, { value: number }>();
    const cursorOf = (id: string) => cursors.get(id) ?? cursors.set(id, { value: 0 }).get(id)!;
    const load = (r: Running, durationSec: number, server = r.servers[0]!) =>
      runLoad({
        baseUrl: server.baseUrl!,
        plan: r.plan!,
        durationSec,
        connections: options.connections,
        pool: r.plan!.pool ?? pool,
        cursor: cursorOf(r.def.id),
      });

    log(`warm-up: ${options.warmupSec} s per process`);
    for (const r of running) {
      try {
        for (const server of r.servers) {
          if (r.def.kind === 'http') await load(r, options.warmupSec, server);
          else await server.request({ type: 'micro', durationMs: options.warmupSec * 1000 });
        }
      } catch (error) {
        failures.set(r.def.id, `warm-up: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    const series = new Map<string, number[]>();
    /** Server CPU µs per request, per round (HTTP rows). */
    const cpuSeries = new Map<string, number[]>();
    /** The user-space part of `cpuSeries`: what a change to the request path moves (the kernel's share is the same work per request). */
    const userCpuSeries = new Map<string, number[]>();
    /**
     * `{ byUserCpu }`: the same-round ratio of row `id` to row `to` by user CPU per request (`to`'s over `id`'s), or
     * nothing when either server did not report its user CPU in every round (an `--against` checkout from before).
     */
    const byUserCpu = (id: string, to: string): { byUserCpu?: Spread } => {
      const row = userCpuSeries.get(id);
      const base = userCpuSeries.get(to);
      if (!row || !base || ![...row, ...base].every(Number.isFinite)) return {};
      return { byUserCpu: spreadOf(roundRatios(base, row)) };
    };
    const latency = new Map<string, LoadResult[]>();
    const push = (id: string, value: number) => series.set(id, [...(series.get(id) ?? []), value]);
    for (let round = 0; round < options.rounds; round += 1) {
      const live = running.filter((r) => !failures.has(r.def.id));
      // Rotate the order each round so that no scenario always runs first or last.
      const order = live.map((_, i) => live[(i + round) % live.length]!);
      for (const r of order) {
        const server = serverOf(r, round);
        try {
          if (r.def.kind === 'http') {
            const before = await server.request({ type: 'cpu' });
            const measured = await load(r, options.durationSec, server);
            const after = await server.request({ type: 'cpu' });
            /** The share of one core the server spent over the slice (all of its CPU, or its user-space part). */
            const shareOf = (part: 'cpuMicros' | 'userMicros') =>
              before.type === 'cpu-result' && after.type === 'cpu-result'
                ? (after[part] - before[part]) / (after.wallMicros - before.wallMicros)
                : Number.NaN;
            const serverCpu = shareOf('cpuMicros');
            const result = Number.isNaN(serverCpu) ? measured : { ...measured, serverCpu };
            push(r.def.id, result.rps);
            cpuSeries.set(r.def.id, [...(cpuSeries.get(r.def.id) ?? []), (serverCpu * 1e6) / result.rps]);
            userCpuSeries.set(r.def.id, [
              ...(userCpuSeries.get(r.def.id) ?? []),
              (shareOf('userMicros') * 1e6) / result.rps,
            ]);
            latency.set(r.def.id, [...(latency.get(r.def.id) ?? []), result]);
            log(
              `round ${round + 1}/${options.rounds} ${r.def.id}: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms} ms, server CPU ${Math.round((result.serverCpu ?? 0) * 100)}%`,
            );
          } else {
            const answer = await server.request({ type: 'micro', durationMs: options.durationSec * 1000 });
            if (answer.type !== 'micro-result') throw new Error(`unexpected answer ${answer.type}`);
            for (const [variant, ops] of Object.entries(answer.opsPerSec)) push(`${r.def.id}:${variant}`, ops);
            log(
              `round ${round + 1}/${options.rounds} ${r.def.id}: ${JSON.stringify(answer.opsPerSec, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
            );
          }
        } catch (error) {
          failures.set(r.def.id, error instanceof Error ? error.message : String(error));
          log(`${r.def.id}: FAILED ${failures.get(r.def.id)}`);
        }
      }
    }

    // Requests that met a token their server had already seen (its cursor went past the end of its pool).
    const returning = running
      .filter((r) => r.plan?.rotateTokens === true)
      .map((r) => ({ id: r.def.id, requests: cursorOf(r.def.id).value, pool: (r.plan!.pool ?? pool).length }))
      .filter((r) => r.requests > r.pool);

    const mirrorLarge = running.find((r) => r.def.id === 'require-auth-mirror-1m' && !failures.has(r.def.id));
    const loadPhase = await measureP99DuringMirrorLoad(
      mirrorLarge && { ...mirrorLarge, server: mirrorLarge.servers[0]! },
      load as (r: never, durationSec: number) => Promise<LoadResult>,
      options.quick,
      log,
    ).catch((error: unknown) => {
      log(`p99 during mirror load: FAILED ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });

    const memory: Record<string, number | string> = {};
    for (const def of probes) {
      try {
        const server = await spawnServer({
          scenarioId: def.id,
          ctx,
          nodeFlags: ['--expose-gc'],
          ...(pinned ? { pinCore: 1 } : {}),
        });
        try {
          const answer = await server.request({ type: 'probe', tokens: pool.slice(0, 10_000) }, 600_000);
          if (answer.type !== 'probe-result') throw new Error(`unexpected answer ${answer.type}`);
          Object.assign(memory, answer.values);
        } finally {
          await server.close();
        }
      } catch (error) {
        failures.set(def.id, error instanceof Error ? error.message : String(error));
        memory[`${def.id} failed`] = failures.get(def.id)!;
        log(`${def.id}: FAILED ${failures.get(def.id)}`);
      }
    }

    for (const def of selected) {
      if (def.kind === 'probe') continue;
      const failed = failures.get(def.id);
      const ids = [...series.keys()].filter((id) => id === def.id || id.startsWith(`${def.id}:`));
      if (failed || ids.length === 0) {
        rows.set(def.id, {
          id: def.id,
          number: def.number,
          title: def.title,
          unit: 'req/s',
          rounds: [],
          median: Number.NaN,
          ratios: [],
          failed: failed ?? 'no result',
        });
        continue;
      }
      for (const id of ids) {
        const values = series.get(id)!;
        const ratioTargets =
          def.kind === 'http'
            ? (def.ratiosTo ?? ['bare'])
            : def.microBaseline && !id.endsWith(`:${def.microBaseline}`)
              ? [`${def.id}:${def.microBaseline}`]
              : [];
        const ratios: RatioSpread[] = [];
        for (const to of ratioTargets) {
          if (to === id || !series.has(to) || failures.has(to)) continue;
          const cpu = cpuSeries.get(id);
          const cpuTo = cpuSeries.get(to);
          const same = roundRatios(values, series.get(to)!);
          ratios.push({
            to,
            ...spreadOf(same),
            byProcess: perProcess(same, processes),
            ...(cpu && cpuTo ? { byCpu: spreadOf(roundRatios(cpuTo, cpu)) } : {}),
            ...byUserCpu(id, to),
          });
        }
        const lat = latency.get(id) ?? [];
        rows.set(id, {
          id,
          number: def.number,
          title: id === def.id ? def.title : `${def.title}: ${id.slice(def.id.length + 1)}`,
          unit: def.kind === 'http' ? 'req/s' : 'ops/s',
          rounds: values.map((v) => Math.round(v)),
          median: median(values),
          ratios,
          ...(lat.length > 0
            ? {
                p50Ms: median(lat.map((l) => l.p50Ms)),
                p99Ms: median(lat.map((l) => l.p99Ms)),
                serverCpu: median(lat.map((l) => l.serverCpu ?? Number.NaN)),
                cpuUsPerRequest: median(cpuSeries.get(id) ?? []),
                userCpuUsPerRequest: median(userCpuSeries.get(id) ?? []),
              }
            : {}),
        });
      }
    }

    const derived: { label: string; value: number }[] = [];
    const verifies = series.get('crypto-floor:crypto.verify');
    const bare = series.get('bare');
    if (verifies && bare) {
      derived.push({
        label: 'theoretical distinct-token ceiling: bare req/s with one RSA verify per request, ratio to bare',
        value: median(roundRatios(verifies, bare).map((vOverB) => vOverB / (1 + vOverB))),
      });
      derived.push({
        label: 'RSA verifies per request of bare-Express time (bare req/s ÷ verify/s)',
        value: median(roundRatios(bare, verifies)),
      });
    }
    const targets: TargetResult[] = TARGETS.map((t) => {
      const a = series.get(t.numerator);
      const b = series.get(t.denominator);
      if (!a || !b || failures.has(t.numerator.split(':')[0]!) || failures.has(t.denominator.split(':')[0]!))
        return { label: t.label, value: null, min: t.min, pass: null };
      const same = roundRatios(a, b);
      const spread = spreadOf(same);
      const value = spread.median;
      return {
        label: t.label,
        value,
        spread,
        ...byUserCpu(t.numerator, t.denominator),
        byProcess: perProcess(same, processes),
        min: t.min,
        pass: t.strict ? value > t.min : value >= t.min,
      };
    });
    if (loadPhase) {
      const value = loadPhase.ratio.median;
      targets.push({
        label: `p99 during a mirror load of ${largeRevocations.toLocaleString('en-US')} revocations ≤ 2× idle p99`,
        value,
        spread: loadPhase.ratio,
        min: 0,
        max: 2,
        pass: value <= 2,
      });
      Object.assign(memory, loadPhase.figures);
    }
    const unsaturated = [...rows.values()]
      .filter((r) => r.serverCpu !== undefined && r.serverCpu < 0.85)
      .map((r) => r.id);
    const notes = [
      'Every ratio is given as its median over rounds with the interquartile range in brackets (the 25th–75th percentile of the same-round ratios), so that a difference can be told from a wobble; "by CPU" is the same ratio computed from server CPU time per request, which stays meaningful when the machine, not the server, limited a slice.',
      ...(unsaturated.length > 0
        ? [
            `Server CPU below 85% for ${unsaturated.join(', ')}: the load generator or other processes limited these runs, so their ratios understate the differences. Re-run on an idle machine.`,
          ]
        : []),
      ...(returning.length > 0
        ? [
            `Tokens seen again: ${returning.map((r) => `${r.id} ${(r.requests - r.pool).toLocaleString('en-US')} of ${r.requests.toLocaleString('en-US')} requests (pool ${r.pool.toLocaleString('en-US')})`).join('; ')}. These rows' distinct tokens came back to their server, whose verified-token cache may then admit and serve them (row 35 and the per-algorithm rows cycle by design); for any other row, pass a larger --pool so that every request is a first sighting.`,
          ]
        : [
            'Every distinct-token request was its token’s first sighting at its server (no cursor passed the end of its pool).',
          ]),
      `Denylists: small ${revocations.toLocaleString('en-US')}, large ${largeRevocations.toLocaleString('en-US')} live revocations.`,
      `JWKS server answered ${jwks.hits()} fetches during the run.`,
      'Peers (express-jwt, express-oauth2-jwt-bearer, passport-jwt, jose) are loaded with the distinct-token pool; they cache no verified tokens, so repeated tokens would cost them the same.',
      `Total run time ${Math.round((Date.now() - started) / 1000)} s.`,
    ];
    const report: Report = {
      machine,
      options: { ...options, processes },
      rows: [...rows.values()],
      derived,
      targets,
      memory,
      notes,
    };

    // a run against another checkout is a comparison, not the reference table of latest.md
    const name = options.against === undefined ? 'latest' : 'against';
    await writeReport(RESULTS_DIR, report, name);
    process.stdout.write(renderMarkdown(report));
    log(`wrote ${RESULTS_DIR}/${name}.json and ${name}.md`);
    if (!options.only || options.only.includes('algorithms'))
      process.stdout.write(
        `\n${await runAlgorithmExtras({ resultsDir: RESULTS_DIR, quick: options.quick, ...(pinned ? { pinCore: 1 } : {}), ctx: base, log })}`,
      );
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
