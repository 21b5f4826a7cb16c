import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { hasRedisServer, waitForRedis } from './start-redis.js';

/** A Redis Cluster of masters without replicas, for one test file. */
export interface TestRedisCluster {
  /** Startup nodes for `new Cluster(nodes)`. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** Stops every node and removes the cluster's temporary directory. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Number of masters (at least 3, as `redis-cli --cluster create` requires). @default 3 */
  readonly masters?: number;
  /** Time allowed for the cluster to reach `cluster_state:ok`. @default 20000 */
  readonly timeoutMs?: number;
}

function clusterStateOk(port: number): boolean {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info'], {
    encoding: 'utf8',
  });
  return result.status === 0 && result.stdout.includes('cluster_state:ok');
}

/**
 * Spawns `masters` redis-server processes with `--cluster-enabled yes` on free ports (cluster bus
 * ports chosen free as well), joins them with `redis-cli --cluster create --cluster-replicas 0`,
 * and resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<TestRedisCluster> {
  const masters = options.masters ?? 3;
  const timeoutMs = options.timeoutMs ?? 20_000;
  if (!Number.isInteger(masters) || masters < 3) throw new RangeError('a Redis Cluster needs at least 3 masters');
  if (!hasRedisServer())
    throw new Error(
      'redis-server was not found on PATH (Debian/Ubuntu: `sudo apt-get install -y redis-server redis-tools`)',
    );
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'jwks-kit-cluster-'));
  const children: ChildProcess[] = [];
  const nodes: { host: string; port: number }[] = [];

  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const busPort = await freePort();
      const args = [
        '--port',
        String(port),
        '--bind',
        host,
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(busPort),
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
      ];
      const child = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
      child.unref();
      children.push(child);
      nodes.push({ host, port });
    }
    await Promise.all(nodes.map((node) => waitForRedis(node.host, node.port)));
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: timeoutMs },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + timeoutMs;
    while (!nodes.every((node) => clusterStateOk(node.port))) {
      if (Date.now() > deadline)
        throw new Error(`the Redis Cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}
