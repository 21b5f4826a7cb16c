import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Agent, get } from 'node:http';
import autocannon from 'autocannon';
import { median } from '../lib/stats.js';

const SERVER_ENTRY = fileURLToPath(new URL('./login-storm-server.ts', import.meta.url));
const JWKS_PATH = '/.well-known/jwks.json';
const VARIANTS = ['sync', 'threadpool'] as const;

/** One variant's medians over rounds, and each round's figures. */
export interface LoginStormRow {
  readonly variant: (typeof VARIANTS)[number];
  readonly loginsPerSec: number;
  readonly jwksPerSec: number;
  readonly jwksP50Ms: number;
  readonly jwksP99Ms: number;
  /** JWKS p99 of the same server with no login storm. */
  readonly idleP99Ms: number;
  /** JWKS requests still unanswered when a storm window closed, summed over rounds. */
  readonly unanswered: number;
  readonly rounds: readonly { loginsPerSec: number; jwksP99Ms: number; idleP99Ms: number }[];
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startServer(variant: string, pinCore: number | undefined): Promise<Server> {
  const args = [...process.execArgv, SERVER_ENTRY, variant];
  const child =
    pinCore === undefined
      ? spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn('taskset', ['-c', String(pinCore), process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    const line = buffered.split('\n')[0];
    if (buffered.includes('\n') && line)
      return { url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child };
  }
  throw new Error(`login-storm server ${variant} exited before listening`);
}

const load = (url: string, connections: number, durationSec: number) =>
  autocannon({ url, connections, pipelining: 1, duration: durationSec });

/** Latencies of a JWKS probe: `loops` clients fetching one after the other until `durationMs` ends. */
interface ProbeResult {
  readonly latenciesMs: readonly number[];
  /** Requests still unanswered when the window closed (counted with their time so far). */
  readonly unanswered: number;
}

/**
 * Fetches `url` in `loops` sequential loops (keep-alive) for `durationMs`. A request still unanswered
 * when the window closes is aborted and counted with the time it waited, so a stalled endpoint shows
 * as a long p99, not as an empty sample.
 */
async function probe(url: string, loops: number, durationMs: number): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  const latenciesMs: number[] = [];
  let unanswered = 0;
  const deadline = performance.now() + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const request = get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) unanswered += 1;
          latenciesMs.push(performance.now() - started);
          resolve();
        });
      });
      const timer = setTimeout(
        () => {
          unanswered += 1;
          latenciesMs.push(performance.now() - started);
          request.destroy();
          resolve();
        },
        Math.max(1, deadline - started),
      );
      request.on('close', () => clearTimeout(timer));
      request.on('error', () => resolve());
    });
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  agent.destroy();
  return { latenciesMs, unanswered };
}

/** The `p`-th percentile (nearest rank) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The login storm: 64 connections hammer `GET /login` (each an RS256 signature) while 4 clients fetch
 * the JWKS one request after the other, for `durationSec`; then the JWKS alone for half as long (the
 * idle p99). Both variants
 * (signing on the event loop, signing on the threadpool) run on the same pinned core, alternating
 * within each round. Fails when any response is not a 2xx.
 */
export async function runLoginStorm(
  options: Readonly<{ rounds: number; durationSec: number; pinCore?: number; log: (line: string) => void }>,
): Promise<LoginStormRow[]> {
  const servers = new Map<string, Server>();
  try {
    for (const variant of VARIANTS) servers.set(variant, await startServer(variant, options.pinCore));
    const rounds = new Map<
      string,
      {
        loginsPerSec: number;
        jwksPerSec: number;
        jwksP50Ms: number;
        jwksP99Ms: number;
        idleP99Ms: number;
        unanswered: number;
      }[]
    >();
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const { url } = servers.get(variant)!;
        const [storm, jwks] = await Promise.all([
          load(`${url}/login`, 64, options.durationSec),
          probe(`${url}${JWKS_PATH}`, 4, options.durationSec * 1000),
        ]);
        const idle = await probe(`${url}${JWKS_PATH}`, 4, Math.max(1, options.durationSec / 2) * 1000);
        if (storm.errors > 0 || storm.non2xx > 0 || storm.timeouts > 0)
          throw new Error(
            `login storm ${variant}: ${storm.errors} errors, ${storm.non2xx} non-2xx, ${storm.timeouts} timeouts`,
          );
        const figures = {
          loginsPerSec: storm.requests.total / storm.duration,
          jwksPerSec: (jwks.latenciesMs.length - jwks.unanswered) / options.durationSec,
          jwksP50Ms: Math.round(percentile(jwks.latenciesMs, 50)),
          jwksP99Ms: Math.round(percentile(jwks.latenciesMs, 99)),
          idleP99Ms: Math.round(percentile(idle.latenciesMs, 99)),
          unanswered: jwks.unanswered,
        };
        rounds.set(variant, [...(rounds.get(variant) ?? []), figures]);
        options.log(
          `login storm round ${round + 1}/${options.rounds} ${variant}: ${Math.round(figures.loginsPerSec)} logins/s, JWKS p99 ${figures.jwksP99Ms} ms, ${figures.unanswered} unanswered (idle p99 ${figures.idleP99Ms} ms)`,
        );
      }
    }
    return VARIANTS.map((variant) => {
      const list = rounds.get(variant) ?? [];
      const med = (pick: (r: (typeof list)[number]) => number) => median(list.map(pick));
      return {
        variant,
        loginsPerSec: med((r) => r.loginsPerSec),
        jwksPerSec: med((r) => r.jwksPerSec),
        jwksP50Ms: med((r) => r.jwksP50Ms),
        jwksP99Ms: med((r) => r.jwksP99Ms),
        idleP99Ms: med((r) => r.idleP99Ms),
        unanswered: list.reduce((sum, r) => sum + r.unanswered, 0),
        rounds: list.map(({ loginsPerSec, jwksP99Ms, idleP99Ms }) => ({ loginsPerSec, jwksP99Ms, idleP99Ms })),
      };
    });
  } finally {
    for (const { child } of servers.values()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.stdin?.end();
      child.kill();
      await exited;
    }
  }
}
