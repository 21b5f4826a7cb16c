import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IssuerError } from './issuer-error.js';
import type { KeyStore, StoredKeySet } from './key-store.js';
import { withFileLock } from './lib/file-lock.js';
import { parseKeySet } from './lib/parse-key-set.js';

/** Options of {@link createFileKeyStore}. */
export type FileKeyStoreOptions = Readonly<{
  /** Path of the key file (a JWK Set with private keys, mode 0600). Its directory must exist. */
  path: string;
  /** How long a writer waits for another writer (this or another process) to finish. @default 10000 */
  lockWaitMs?: number;
  /** Age after which the lock of a crashed writer (not touched for that long) is taken over. @default 30000 */
  staleLockMs?: number;
}>;

/**
 * A {@link KeyStore} over one JSON file holding a JWK Set with private keys and their life-cycle
 * times. Writes go to a temporary file in the same directory (mode 0600), then `rename()` over the
 * target, so readers see the old or the new set, never a torn one. Writers exclude each other with
 * a lock at `<path>.lock` that is taken, and taken over from a crashed writer, atomically (exactly one
 * of any number of contenders wins), so several issuer processes can share the file. Loading refuses, with an
 * {@link IssuerError}, a file readable by group or others (`ERR_KEY_FILE_PERMISSIONS`) and a
 * corrupt file (`ERR_KEY_FILE_CORRUPT`); such a file is never overwritten.
 */
export function createFileKeyStore(options: FileKeyStoreOptions): KeyStore {
  if (typeof options?.path !== 'string' || options.path === '')
    throw new TypeError('option `path` must be a non-empty string');
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const staleLockMs = options.staleLockMs ?? 30_000;
  if (!Number.isFinite(lockWaitMs) || lockWaitMs < 0)
    throw new TypeError('option `lockWaitMs` must be a non-negative number');
  if (!Number.isFinite(staleLockMs) || staleLockMs <= 0)
    throw new TypeError('option `staleLockMs` must be a positive number');
  const path = resolve(options.path);
  const lockTiming = { waitMs: lockWaitMs, staleMs: staleLockMs };

  const locked = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await withFileLock(`${path}.lock`, lockTiming, task);
    } catch (error) {
      if (error instanceof IssuerError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOCKED')
        throw new IssuerError('ERR_KEY_FILE_LOCKED', `key file ${path} is locked by another writer`, { cause: error });
      throw new IssuerError('ERR_KEY_FILE_IO', `cannot write key file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  return {
    load: () => readKeyFile(path),
    save: (set) =>
      locked(async () => {
        await readKeyFile(path);
        await writeKeyFile(path, set);
      }),
    update: (mutate) =>
      locked(async () => {
        const current = await readKeyFile(path);
        const next = await mutate(current);
        if (next === undefined) return current;
        await writeKeyFile(path, next);
        return next;
      }),
  };
}

async function readKeyFile(path: string): Promise<StoredKeySet | undefined> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new IssuerError('ERR_KEY_FILE_IO', `key file ${path} is not a regular file`);
      if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
        const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
        throw new IssuerError(
          'ERR_KEY_FILE_PERMISSIONS',
          `key file ${path} has mode ${mode}: private keys must not be readable by group or others (run: chmod 600 ${path})`,
        );
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof IssuerError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IssuerError('ERR_KEY_FILE_IO', `cannot read key file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await parseKeySet(JSON.parse(text));
  } catch (error) {
    throw new IssuerError(
      'ERR_KEY_FILE_CORRUPT',
      `key file ${path} is corrupt (${(error as Error).message}); it was left untouched: restore it from a backup or move it away`,
      { cause: error },
    );
  }
}

async function writeKeyFile(path: string, set: StoredKeySet): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ keys: set.keys }, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}
