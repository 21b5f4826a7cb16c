import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STOP_TIMEOUT_MS = 5_000;

/** A running service process, and a promise of its exit code. */
export type Child = Readonly<{ name: string; process: ChildProcess; exited: Promise<number | null> }>;

/** Starts `entry` (a path from the repository root) under tsx; its output lines go to `log`, prefixed with `name`. */
export function startChild(name: string, entry: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
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

/** SIGTERM, then SIGKILL after 5 s; resolves once the process exited. */
export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

/**
 * Polls each `/healthz` until it answers 200; fails early when the child exits, or after `timeoutMs` (default 60 s:
 * on a loaded two-core machine the auth service once took over 30 s to start beside two other demo suites).
 */
export async function waitHealthy(
  targets: readonly Readonly<{ name: string; url: string; child: Child }>[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
        if (Date.now() > deadline) throw new Error(`${name} was not healthy at ${url} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
}
