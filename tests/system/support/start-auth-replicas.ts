import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@jwks-kit/test-kit';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER = fileURLToPath(new URL('../../../examples/auth-service/src/server.ts', import.meta.url));

/** Replicas of the example auth service, each a real process, sharing one Redis and one key file. */
export type AuthReplicas = Readonly<{
  /** Base URL of each replica. */
  urls: readonly string[];
  /** Output lines of every replica. */
  output: readonly string[];
  /** Stops every replica and deletes the keys directory. */
  stop: () => Promise<void>;
}>;

async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`auth replica exited with code ${child.exitCode} before it was healthy`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`auth replica at ${url} was not healthy within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `count` processes of `examples/auth-service/src/server.ts` on free ports, one after the other
 * (the first creates the key file), all with `REDIS_URL=redisUrl`, one `ISSUER_URL` and `env` on top.
 */
export async function startAuthReplicas(
  count: number,
  redisUrl: string,
  env: Readonly<Record<string, string>> = {},
): Promise<AuthReplicas> {
  const dir = await mkdtemp(join(tmpdir(), 'jwks-kit-replicas-'));
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const issuer = `http://127.0.0.1:${ports[0]}`;
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
        cwd: ROOT,
        env: {
          ...process.env,
          AUTH_PORT: String(port),
          ISSUER_URL: issuer,
          KEYS_DIR: join(dir, 'keys'),
          REDIS_URL: redisUrl,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk) => output.push(String(chunk)));
      children.push(child);
      await untilHealthy(`http://127.0.0.1:${port}`, child);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: ports.map((port) => `http://127.0.0.1:${port}`), output, stop };
}
