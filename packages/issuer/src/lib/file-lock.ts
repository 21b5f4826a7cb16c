import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, rename, rm, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** How long to wait for a lock, and when a left-over lock of a crashed holder may be taken over. */
export interface FileLockTiming {
  readonly waitMs: number;
  readonly staleMs: number;
}

const OWNER_PREFIX = 'owner-';

/** `rename(dir, target)` refuses a target directory that is not empty with one of these. */
const HELD = new Set(['ENOTEMPTY', 'EEXIST']);

const errnoCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Runs `task` while holding `lockPath`, a lock that also excludes other processes.
 *
 * The lock is a directory holding one file, `owner-<random token>`, whose mtime the holder touches
 * every `staleMs / 3`. Taking it is one `rename()` of a private, already filled directory onto
 * `lockPath`: the kernel does that only while `lockPath` is missing or empty, so of any number of
 * contenders exactly one succeeds. A holder that stopped touching its file for `staleMs` (a crashed
 * writer) is taken over by unlinking that file by its unique name, which leaves the directory empty,
 * and then renaming as above. Check-then-delete can therefore never remove a newer holder's lock (its
 * owner file has another name): that race is what an `O_EXCL` lock file with unlink-if-stale has, and
 * proper-lockfile too (its issue #121), where two waiters that both saw the stale lock both end up
 * holding it. Release unlinks the own owner file, then removes the directory only if it is empty.
 * Rejects with `Error & { code: 'ELOCKED' }` after `waitMs`.
 */
export async function withFileLock<T>(lockPath: string, timing: FileLockTiming, task: () => Promise<T>): Promise<T> {
  const token = randomBytes(12).toString('hex');
  const ownerName = `${OWNER_PREFIX}${token}`;
  const candidate = join(dirname(lockPath), `.${basename(lockPath)}.${token}.tmp`);
  await mkdir(candidate, { mode: 0o700 });
  try {
    await writeFile(join(candidate, ownerName), `${process.pid}@${hostname()}\n`, { mode: 0o600 });
    await acquire(lockPath, candidate, timing);
  } catch (error) {
    await rm(candidate, { recursive: true, force: true });
    throw error;
  }
  const ownerFile = join(lockPath, ownerName);
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(ownerFile, now, now).catch(() => undefined);
    },
    Math.max(1, Math.floor(timing.staleMs / 3)),
  );
  heartbeat.unref();
  try {
    return await task();
  } finally {
    clearInterval(heartbeat);
    await unlink(ownerFile).catch(() => undefined);
    // Fails with ENOTEMPTY when another writer has taken the lock meanwhile: then it is theirs.
    await rmdir(lockPath).catch(() => undefined);
  }
}

async function acquire(lockPath: string, candidate: string, timing: FileLockTiming): Promise<void> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    try {
      await rename(candidate, lockPath);
      return;
    } catch (error) {
      const code = errnoCode(error) ?? '';
      if (code === 'ENOTDIR') {
        if (await removeStaleLegacyLockFile(lockPath, timing.staleMs)) continue;
      } else if (!HELD.has(code)) throw error;
      else if (await removeStaleOwners(lockPath, timing.staleMs)) continue;
    }
    if (Date.now() > deadline)
      throw Object.assign(new Error(`lock ${lockPath} is held by another writer`), { code: 'ELOCKED' });
    await delay(10 + Math.floor(Math.random() * 20));
  }
}

/**
 * Unlinks the owner files of `lockPath` untouched for longer than `staleMs`; true when any was stale.
 * A name is unique to one holder, so this never removes the file of a holder that came later.
 */
async function removeStaleOwners(lockPath: string, staleMs: number): Promise<boolean> {
  const names = await readdir(lockPath).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  });
  let stale = false;
  for (const name of names) {
    const file = join(lockPath, name);
    const ageMs = await stat(file).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (ageMs <= staleMs) continue;
    stale = true;
    await unlink(file).catch(() => undefined);
  }
  return stale || names.length === 0;
}

/**
 * Versions before the directory lock used a plain `O_EXCL` lock file at `lockPath`: one left over by a
 * crashed writer of such a version is removed once stale, as that version did; true when removed. Two
 * waiters that both saw it stale are still safe: `unlink()` cannot remove the directory lock the first made.
 */
async function removeStaleLegacyLockFile(lockPath: string, staleMs: number): Promise<boolean> {
  const ageMs = await stat(lockPath).then(
    (s) => (s.isFile() ? Date.now() - s.mtimeMs : 0),
    () => Infinity,
  );
  if (ageMs <= staleMs) return false;
  await unlink(lockPath).catch(() => undefined);
  return true;
}
