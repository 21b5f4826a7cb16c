import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by `cleanup()`. */
export async function createTempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'jwks-kit-cli-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
