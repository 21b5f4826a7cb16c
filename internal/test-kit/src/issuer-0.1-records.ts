import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Records as `@jwks-kit/issuer` 0.1 persisted them (instants under `createdAt`, `activatesAt`, … before the
 * `…AtMs` rename), each written by that release's own code (`createFileKeyStore`, `createRedisKeyStore`,
 * `createRedisRefreshTokenStore`) on a clock starting at 1780000000000:
 * - `key-file`: the key file of a ring created then rotated 15 minutes later (a retired, an active, a next key);
 * - `key-ring-redis`: `{ kekHex, ring }`, HGETALL of the same kind of ring in Redis, sealed under `kekHex`;
 * - `refresh-family-redis`: `{ familyId, nowMs, headToken, rotatedToken, family, rotated }`, HGETALL of a family
 *   started at 1780000000000 and rotated once at `nowMs`, with its tokens.
 */
export type Issuer01Record = 'key-file' | 'key-ring-redis' | 'refresh-family-redis';

/** Path of one {@link Issuer01Record} fixture (a JSON file). */
export function issuer01RecordPath(record: Issuer01Record): string {
  return fileURLToPath(new URL(`../fixtures/${record}-0.1.json`, import.meta.url));
}

/** The text of one {@link Issuer01Record} fixture, exactly as it was written. */
export function readIssuer01Record(record: Issuer01Record): Promise<string> {
  return readFile(issuer01RecordPath(record), 'utf8');
}

/** The life-cycle times of a 0.1 key record (key file, Redis key ring) and their names since. */
export const ISSUER_01_KEY_TIMES = [
  ['createdAt', 'createdAtMs'],
  ['activatesAt', 'activatesAtMs'],
  ['activatedAt', 'activatedAtMs'],
  ['retiredAt', 'retiredAtMs'],
  ['removeAt', 'removeAtMs'],
] as const;
