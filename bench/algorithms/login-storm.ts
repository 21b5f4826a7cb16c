import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
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

/**
 * The login storm: 64 connections hammer `GET /login` (each an RS256 signature) while 4 connections
 * fetch the JWKS, for `durationSec`; then the JWKS alone for half as long (the idle p99). Both variants
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
      { loginsPerSec: number; jwksPerSec: number; jwksP50Ms: number; jwksP99Ms: number; idleP99Ms: number }[]
    >();
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const { url } = servers.get(variant)!;
        const [storm, jwks] = await Promise.all([
          load(`${url}/login`, 64, options.durationSec),
          load(`${url}${JWKS_PATH}`, 4, options.durationSec),
        ]);
        const idle = await load(`${url}${JWKS_PATH}`, 4, Math.max(1, Math.round(options.durationSec / 2)));
        for (const result of [storm, jwks, idle])
          if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0)
            throw new Error(
              `login storm ${variant}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
            );
        const figures = {
          loginsPerSec: storm.requests.total / storm.duration,
          jwksPerSec: jwks.requests.total / jwks.duration,
          jwksP50Ms: jwks.latency.p50,
          jwksP99Ms: jwks.latency.p99,
          idleP99Ms: idle.latency.p99,
        };
        rounds.set(variant, [...(rounds.get(variant) ?? []), figures]);
        options.log(
          `login storm round ${round + 1}/${options.rounds} ${variant}: ${Math.round(figures.loginsPerSec)} logins/s, JWKS p99 ${figures.jwksP99Ms} ms (idle ${figures.idleP99Ms} ms)`,
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
