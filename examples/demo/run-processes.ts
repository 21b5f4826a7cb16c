import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openKeyRing } from '../auth-service/src/open-key-ring.js';
import type { DemoConfig } from './config.js';
import { expiredTokenMinter } from './mint-expired-token.js';
import type { RunningDemo } from './running-demo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STOP_TIMEOUT_MS = 5_000;

type Child = Readonly<{ name: string; process: ChildProcess; exited: Promise<number | null> }>;

function startChild(name: string, entry: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(entry, import.meta.url))], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => log(`  [${name}] ${line}`));
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      log(`  [${name}] exited (${signal ?? `code ${code}`})`);
      resolve(code);
    }),
  );
  return { name, process: child, exited };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

/**
 * With Redis: one process per service, agreeing through Redis (denylist mirror, refresh families)
 * and through the shared key file (only the auth service writes it). Child output is prefixed with
 * the service name.
 */
export async function runProcesses(config: DemoConfig, log: (line: string) => void): Promise<RunningDemo> {
  const env = { ...process.env, ...config.serviceEnv };
  const children: Child[] = [startChild('auth', '../auth-service/src/server.ts', env, log)];
  const stop = () => Promise.all(children.map(stopChild)).then(() => undefined);
  try {
    // The auth service creates the key file; the others fetch its JWKS, so they start once it answers.
    await waitHealthy([{ name: 'auth', url: `http://127.0.0.1:${config.auth.port}/healthz`, child: children[0]! }]);
    children.push(startChild('orders', '../orders-service/src/server.ts', env, log));
    children.push(startChild('profile', '../profile-service/src/server.ts', env, log));
    await waitHealthy([
      { name: 'orders', url: `http://127.0.0.1:${config.orders.port}/healthz`, child: children[1]! },
      { name: 'profile', url: `http://127.0.0.1:${config.profile.port}/healthz`, child: children[2]! },
    ]);
    // The tour's expired token is signed with the same key file the auth process uses.
    const keyRing = await openKeyRing(config.auth);
    return { mintExpiredToken: expiredTokenMinter(config.auth.issuerUrl, keyRing), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls each `/healthz` until it answers 200; fails early when the child exits, or after 30 s. */
async function waitHealthy(targets: readonly Readonly<{ name: string; url: string; child: Child }>[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  await Promise.all(
    targets.map(async ({ name, url, child }) => {
      for (;;) {
        if (child.process.exitCode !== null)
          throw new Error(`${name} exited with code ${child.process.exitCode} before it was healthy`);
        const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
          (res) => res.ok,
          () => false,
        );
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`${name} was not healthy at ${url} within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
}
