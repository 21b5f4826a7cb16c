import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ScenarioContext } from './types.js';

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));

/** A scenario running in its own Node process (pinned to core 1 when possible). */
export interface ServerProcess {
  readonly pid: number;
  /** Base URL for HTTP scenarios, undefined for micro benchmarks and probes. */
  readonly baseUrl: string | undefined;
  /** Sends one request message and waits for the answer. */
  request(message: ParentMessage, timeoutMs?: number): Promise<ChildMessage>;
  close(): Promise<void>;
}

export interface SpawnOptions {
  readonly scenarioId: string;
  readonly ctx: ScenarioContext;
  readonly pinCore?: number;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** The `server.ts` to run (another checkout's, for `--against`). @default this bench's */
  readonly entry?: string;
}

/**
 * Flags of every server process. `--no-memory-reducer`: between its slices a server idles for as long as the other
 * scenarios take, and V8's memory reducer shrinks an idle heap, so that the next slice is measured while the heap
 * grows back (bare Express after 40 s idle: 1.5-2x the CPU per request in its first second, none with the flag).
 * A loaded service does not go idle; the rows differed in how idle V8 judged them (the Redis rows' connections kept
 * theirs warm: the mirror row ran 1.1-1.6x the row without a denylist).
 */
export const STEADY_STATE_FLAGS = ['--no-memory-reducer'] as const;

/** Starts `bench/server.ts <scenario>` and resolves once the scenario reports ready. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const nodeArgs = [
    ...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')),
    ...STEADY_STATE_FLAGS,
    ...(options.nodeFlags ?? []),
    options.entry ?? SERVER_ENTRY,
    options.scenarioId,
  ];
  const [command, args] =
    options.pinCore === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.pinCore), process.execPath, ...nodeArgs]];
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_CONTEXT: JSON.stringify(options.ctx) },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (timeoutMs: number) =>
    new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.scenarioId}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${options.scenarioId}: process exited (${code})`));
      };
      child.once('exit', onExit);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        if (message.type === 'error') reject(new Error(`${options.scenarioId}: ${message.message}`));
        else resolve(message);
      });
    });
  // a mirror of 1,000,000 revocations loads before the scenario reports ready
  const ready = await waitFor(600_000);
  const port = ready.type === 'ready' ? ready.port : undefined;
  return {
    pid: child.pid ?? -1,
    baseUrl: port === undefined ? undefined : `http://127.0.0.1:${port}`,
    request(message, timeoutMs = 120_000) {
      const answer = waitFor(timeoutMs);
      child.send(message);
      return answer;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'close' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
