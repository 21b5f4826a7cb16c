import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { hasRedisServer, waitForRedis } from './start-redis.js';

/** One primary, one replica and three sentinels, for one test file. */
export interface TestRedisSentinel {
  /** The monitored master's name, for ioredis' `name` option. */
  readonly name: string;
  /** For ioredis' `sentinels` option. */
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** Port of the server that is primary right now (asks a sentinel). */
  primaryPort(): Promise<number>;
  /** SIGKILLs the current primary (no shutdown, no last writes); resolves its port. */
  killPrimary(): Promise<number>;
  /**
   * Resolves once every sentinel names the same primary other than `port` and it accepts writes; answers its port.
   * @default timeoutMs 60_000
   */
  waitForFailover(port: number, timeoutMs?: number): Promise<number>;
  /**
   * Starts a killed server again on its port (as a restarted pod); the sentinels make it a replica of the
   * current primary (after 5 s the harness sends that REPLICAOF itself). Resolves once its replication link is up;
   * fails at once if the server exits (its port was taken meanwhile).
   * @default timeoutMs 60_000
   */
  restart(port: number, timeoutMs?: number): Promise<void>;
  /**
   * The whole failover a test measures: kills the primary, waits for the promotion, restarts the killed server
   * and waits until it is the new primary's replica (until then, writes that WAIT for a replica fail).
   * Resolves the ports and the instants (`Date.now()`) of each step.
   */
  failOver(): Promise<SentinelFailover>;
  /** Stops every process and removes the temporary directory. */
  stop(): Promise<void>;
}

/** What {@link TestRedisSentinel.failOver} did, and when (milliseconds since the epoch). */
export interface SentinelFailover {
  readonly killedPort: number;
  readonly promotedPort: number;
  readonly killedAt: number;
  readonly promotedAt: number;
  readonly replicatedAt: number;
}

/** Options of {@link startRedisSentinel}. */
export interface StartRedisSentinelOptions {
  /**
   * Sentinel `down-after-milliseconds`: how long a silent primary is tolerated. Shorter bounds see a primary
   * stalled by a busy machine as down: a second failover, possibly to the restarted, empty server. @default 3000
   */
  readonly downAfterMs?: number;
  /** Sentinel `failover-timeout`. @default 5000 */
  readonly failoverTimeoutMs?: number;
}

const NAME = 'jwks-kit-primary';

/**
 * One redis-cli command; `undefined` when it fails or takes over 5 s. Asynchronous: the harness polls during a
 * failover while the test's own load runs in the same event loop, which a synchronous spawn would stall.
 */
function cli(port: number, ...args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), ...args],
      { encoding: 'utf8', timeout: 5_000 },
      (error, stdout) => resolve(error ? undefined : stdout.trim()),
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns a primary and a replica (`redis-server`, no persistence) and three `redis-sentinel`
 * processes (Debian's redis-sentinel, quorum 2) on free ports, and resolves once every sentinel
 * knows the replica and the other sentinels. Fails with an installation hint without the binaries.
 */
export async function startRedisSentinel(options: StartRedisSentinelOptions = {}): Promise<TestRedisSentinel> {
  const downAfterMs = options.downAfterMs ?? 3000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 5000;
  if (!hasRedisServer() || spawnSync('redis-sentinel', ['--version'], { stdio: 'ignore' }).status !== 0)
    throw new Error(
      'redis-server and redis-sentinel must be on PATH (Debian/Ubuntu: `sudo apt-get install -y redis-server redis-sentinel redis-tools`)',
    );
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'jwks-kit-sentinel-'));
  const servers = new Map<number, ChildProcess>();
  const sentinelChildren: ChildProcess[] = [];
  const exits = new Map<ChildProcess, Promise<void>>();
  const track = (child: ChildProcess) => {
    child.unref();
    exits.set(child, new Promise((resolve) => child.once('exit', () => resolve())));
    return child;
  };
  // no 5 s wait for more replicas before a full sync: a relinking replica shortens the window writes fail
  const serverArgs = (port: number) => [
    ...['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'],
    ...['--repl-diskless-sync-delay', '0'],
  ];

  const stop = async () => {
    for (const child of [...sentinelChildren, ...servers.values()])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(exits.values());
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [primary, replica] = [await freePort(), await freePort()];
    servers.set(primary, track(spawn('redis-server', serverArgs(primary), { stdio: 'ignore', cwd: dir })));
    servers.set(
      replica,
      track(
        spawn('redis-server', [...serverArgs(replica), '--replicaof', host, String(primary)], {
          stdio: 'ignore',
          cwd: dir,
        }),
      ),
    );
    await waitForRedis(host, primary);
    await waitForRedis(host, replica);
    const sentinels: { host: string; port: number }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          `bind ${host}`,
          `dir ${dir}`,
          `sentinel monitor ${NAME} ${host} ${primary} 2`,
          `sentinel down-after-milliseconds ${NAME} ${downAfterMs}`,
          `sentinel failover-timeout ${NAME} ${failoverTimeoutMs}`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n'),
      );
      sentinelChildren.push(track(spawn('redis-sentinel', [conf], { stdio: 'ignore', cwd: dir })));
      sentinels.push({ host, port });
    }
    for (const sentinel of sentinels) await waitForRedis(host, sentinel.port);
    // Ready once every sentinel has discovered the replica and the two other sentinels.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const infos = await Promise.all(sentinels.map((sentinel) => cli(sentinel.port, 'sentinel', 'master', NAME)));
      const ready = infos.every((info = '') => {
        const field = (name: string) => info.split('\n')[info.split('\n').indexOf(name) + 1];
        return field('num-slaves') === '1' && field('num-other-sentinels') === '2';
      });
      const linked = (await cli(replica, 'info', 'replication'))?.includes('master_link_status:up') ?? false;
      if (ready && linked) break;
      if (Date.now() > deadline)
        throw new Error('the sentinels did not discover the replica and each other within 20 s');
      await sleep(100);
    }

    /** The primary each sentinel names (`undefined` for one that does not answer). */
    const namedPrimaries = () =>
      Promise.all(
        sentinels.map(async (sentinel) => {
          const answer = await cli(sentinel.port, 'sentinel', 'get-master-addr-by-name', NAME);
          const port = Number(answer?.split('\n')[1]);
          return port > 0 ? port : undefined;
        }),
      );
    const primaryPort = async () => {
      const port = (await namedPrimaries()).find((named) => named !== undefined);
      if (port === undefined) throw new Error('no sentinel names a primary');
      return port;
    };
    const isRunning = (child: ChildProcess | undefined) =>
      child !== undefined && child.exitCode === null && child.signalCode === null;
    const harness: TestRedisSentinel = {
      name: NAME,
      sentinels,
      primaryPort,
      async failOver() {
        const killedAt = Date.now();
        const killedPort = await harness.killPrimary();
        const promotedPort = await harness.waitForFailover(killedPort);
        const promotedAt = Date.now();
        await harness.restart(killedPort);
        return { killedPort, promotedPort, killedAt, promotedAt, replicatedAt: Date.now() };
      },
      killPrimary: async () => {
        const port = await primaryPort();
        const child = servers.get(port);
        if (!child) throw new Error(`the primary on port ${port} is not one of ours`);
        child.kill('SIGKILL');
        await exits.get(child);
        return port;
      },
      restart: async (port, timeoutMs = 60_000) => {
        const old = servers.get(port);
        if (!old || isRunning(old)) throw new Error(`port ${port} is not a stopped server of ours`);
        const child = track(spawn('redis-server', serverArgs(port), { stdio: 'ignore', cwd: dir }));
        servers.set(port, child);
        // another process on this machine may have taken the freed port: never talk to a server not ours
        const ours = () => {
          if (!isRunning(child)) throw new Error(`the restarted server on ${port} exited (port taken meanwhile?)`);
        };
        await waitForRedis(host, port);
        ours();
        const until = Date.now() + timeoutMs;
        // The sentinels convert a returning old primary into a replica; on a busy machine that was once seen to
        // take over 30 s. After 5 s the harness sends the REPLICAOF the sentinels would send.
        const nudgeAt = Date.now() + 5_000;
        let nudged = false;
        while (!(await cli(port, 'info', 'replication'))?.includes('master_link_status:up')) {
          ours();
          if ((await primaryPort().catch(() => undefined)) === port)
            throw new Error(
              `the sentinels promoted the restarted, empty server on ${port}: a second failover (the primary did not answer them within down-after-milliseconds)`,
            );
          if (!nudged && Date.now() > nudgeAt) {
            nudged = true;
            const primary = await primaryPort().catch(() => undefined);
            if (primary !== undefined && primary !== port) await cli(port, 'replicaof', host, String(primary));
          }
          if (Date.now() > until)
            throw new Error(`the restarted server on ${port} did not become a replica within ${timeoutMs} ms`);
          await sleep(50);
        }
      },
      waitForFailover: async (port, timeoutMs = 60_000) => {
        // A failed election is retried after twice the failover timeout: on a busy machine that happens.
        const until = Date.now() + timeoutMs;
        for (;;) {
          // All sentinels agree first: a client asking a lagging one must not be sent to the restarted old server.
          const named = await namedPrimaries();
          const next = named[0];
          const agreed = next !== undefined && next !== port && named.every((other) => other === next);
          if (agreed && (await cli(next, 'info', 'replication'))?.includes('role:master')) return next;
          if (Date.now() > until)
            throw new Error(
              `no failover away from port ${port} within ${timeoutMs} ms (sentinels name ${named.join(', ')})`,
            );
          await sleep(50);
        }
      },
      stop,
    };
    return harness;
  } catch (error) {
    await stop();
    throw error;
  }
}
