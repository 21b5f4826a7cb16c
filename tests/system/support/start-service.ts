import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from './inherited-env.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One example service running as its own process. */
export type ServiceProcess = Readonly<{
  /** Output lines (stdout and stderr). */
  output: readonly string[];
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** Resolves once `url` answers (any status); rejects when the process exits first or after `timeoutMs`. */
  waitForAnswer: (url: string, timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}>;

/**
 * Spawns `examples/<entry>` (e.g. `orders-service/src/server.ts`) with `env` on top of this process's
 * environment (without the `REDIS_*` / `ISSUER_URL` of the developer's shell).
 */
export function startService(entry: string, env: Readonly<Record<string, string>>): ServiceProcess {
  const inherited = inheritedEnv();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', `examples/${entry}`], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on('line', (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    output,
    exited,
    async waitForAnswer(url, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        if (ended) throw new Error(`${entry} exited before answering:\n${output.join('\n')}`);
        if (
          await fetch(url).then(
            () => true,
            () => false,
          )
        )
          return;
        if (Date.now() - started > timeoutMs) throw new Error(`${entry} did not answer within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
