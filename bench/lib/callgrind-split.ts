import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One callgrind window's instructions, split by where they ran (totals of the whole window, not per call). */
export interface WindowSplit {
  /** Every thread's instructions. */
  readonly total: number;
  /** Inclusive cost of `crypto.verify`'s synchronous job (`CryptoJob<SignTraits>::Run`): OpenSSL's share. */
  readonly crypto: number;
  /** Collections on the main thread (inclusive cost of `v8::internal::Heap::CollectGarbage`). */
  readonly mainGc: number;
  /** Threads other than the main one (`start_thread`): V8's concurrent marking, sweeping, scavenging helpers, compilers. */
  readonly threads: number;
  /**
   * The rest: the main thread's JavaScript, builtins and runtime outside collections and `crypto.verify`, the part a
   * change to the request path moves. It spreads across windows by about 1 %, where the total spreads by 20 % and
   * more as collections land in some windows and not in others.
   */
  readonly mutator: number;
}

const PART: Readonly<Record<'crypto' | 'mainGc' | 'threads', RegExp>> = {
  crypto: /node::crypto::CryptoJob<node::crypto::SignTraits>::Run\(/,
  mainGc: /v8::internal::Heap::CollectGarbage\(/,
  threads: /pthread_create\.c:start_thread /,
};

/** Splits a callgrind dump with `callgrind_annotate --inclusive=yes` (valgrind's own script). */
export async function splitCallgrindDump(file: string): Promise<WindowSplit> {
  const { stdout } = await run('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    maxBuffer: 256 * 1024 * 1024,
  });
  let total = Number.NaN;
  const parts = { crypto: 0, mainGc: 0, threads: 0 };
  for (const line of stdout.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!match) continue;
    const count = Number(match[1]!.replaceAll(',', ''));
    const name = match[2]!;
    if (name.startsWith('PROGRAM TOTALS')) total = count;
    for (const part of ['crypto', 'mainGc', 'threads'] as const) if (PART[part].test(name)) parts[part] += count;
  }
  if (!Number.isFinite(total)) throw new Error(`${file}: callgrind_annotate printed no total`);
  return { total, ...parts, mutator: total - parts.crypto - parts.mainGc - parts.threads };
}
