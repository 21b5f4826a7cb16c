import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Creates `dir` and its missing parents with `mode`, one level at a time. Unlike
 * `mkdir(dir, { recursive: true })`, which on Node 20 loops forever on paths such as `/proc/x`
 * (a parent that exists but refuses new entries with ENOENT), every failure rejects with the
 * system error of the level that could not be created.
 */
export async function makeDirectory(dir: string, mode: number): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    const found = await stat(current).then(
      (stats) => stats,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
    if (found !== undefined) break;
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing.reverse()) {
    await mkdir(level, { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}
