import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A Node process speaking one line at a time on stdin/stdout (a replica in a multi-process test). */
export interface LineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Writes `line` and a newline to its stdin. */
  send(line: string): void;
  /** Its next stdout line; rejects with its stderr when it exits first. */
  next(): Promise<string>;
  /** Kills it unless it has exited. */
  stop(): void;
}

/**
 * Starts `node --import tsx <script> ...args` in `cwd` and resolves once its first stdout line is `ready`
 * (the script's signal that it is connected and listening on stdin).
 */
export async function startLineProcess(script: string, args: readonly string[], cwd: string): Promise<LineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${script} exited: ${stderr}`);
    return value as string;
  };
  const running: LineProcess = {
    child,
    send: (line) => child.stdin.write(`${line}\n`),
    next,
    stop: () => {
      if (child.exitCode === null) child.kill();
    },
  };
  const first = await next().catch((error: unknown) => {
    running.stop();
    throw error;
  });
  if (first !== 'ready') {
    running.stop();
    throw new Error(`${script} printed ${JSON.stringify(first)} instead of ready`);
  }
  return running;
}
