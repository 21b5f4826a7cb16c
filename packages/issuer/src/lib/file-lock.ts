import { open, stat, unlink, utimes } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** How long to wait for a lock, and when a left-over lock file (crashed holder) may be taken over. */
export interface FileLockTiming {
  readonly waitMs: number;
  readonly staleMs: number;
}

/**
 * Runs `task` while holding `lockPath`, a lock file created with O_EXCL so that it also excludes
 * other processes. A lock older than `staleMs` is considered abandoned and removed; the holder
 * touches its lock every `staleMs / 3` so that a slow task (4096-bit key generation) keeps it.
 * Rejects with `Error & { code: 'ELOCKED' }` after `waitMs`.
 */
export async function withFileLock<T>(lockPath: string, timing: FileLockTiming, task: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > timing.staleMs) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline)
        throw Object.assign(new Error(`lock ${lockPath} is held by another writer`), { code: 'ELOCKED' });
      await delay(10 + Math.floor(Math.random() * 20));
    }
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(lockPath, now, now).catch(() => undefined);
    },
    Math.max(1, Math.floor(timing.staleMs / 3)),
  );
  heartbeat.unref();
  try {
    return await task();
  } finally {
    clearInterval(heartbeat);
    await unlink(lockPath).catch(() => undefined);
  }
}
