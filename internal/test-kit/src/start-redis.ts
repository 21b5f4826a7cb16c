import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.js';

/** A Redis server for one test file: its URL, and controls for fault tests. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the harness spawned this server (only then may tests flush, stop or restart it). */
  readonly owned: boolean;
  /** Stops the server (SIGKILL-free: SHUTDOWN NOSAVE, then waits for exit). */
  stop(): Promise<void>;
  /** Starts the server again on the same port after `stop()`. */
  restart(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly extraArgs?: readonly string[];
  /** Ignore `REDIS_URL` and always spawn (fault tests need a server they own). @default false */
  readonly forceSpawn?: boolean;
}

const INSTALL_HINT =
  'redis-server was not found on PATH and REDIS_URL is not set. Install Redis ' +
  '(Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) or set REDIS_URL.';

/** Resolves once `host:port` answers PING with PONG, rejects after `timeoutMs`. */
export async function waitForRedis(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(host, port)) return;
    if (Date.now() > deadline) throw new Error(`redis at ${host}:${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a real `redis-server` on a free port with no persistence, or uses `REDIS_URL` when set
 * (such a server is not owned: stop/restart throw, and tests must not flush it).
 * Fails with an installation hint when neither is available.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const envUrl = process.env.REDIS_URL;
  if (envUrl && !options.forceSpawn && !options.extraArgs?.length) {
    const parsed = new URL(envUrl);
    const notOwned = async () => {
      throw new Error('this Redis comes from REDIS_URL: the test kit did not start it and will not stop it');
    };
    return {
      url: envUrl,
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      owned: false,
      stop: notOwned,
      restart: notOwned,
    };
  }
  if (!hasRedisServer()) throw new Error(INSTALL_HINT);
  const port = await freePort();
  const host = '127.0.0.1';
  const args = [
    '--port',
    String(port),
    '--bind',
    host,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    ...(options.extraArgs ?? []),
  ];
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore', cwd: process.env.TMPDIR ?? '/tmp' });
    child.unref();
    await waitForRedis(host, port);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    owned: true,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
