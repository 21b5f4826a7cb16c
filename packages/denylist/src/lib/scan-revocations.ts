import type { Cluster, Redis } from 'ioredis';
import { decodeEntry } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { Revocation } from './revocation-rules.js';
import { withTimeout } from './with-timeout.js';

/** A revocation found in Redis, with the key it was found under. */
export interface StoredRevocation {
  readonly key: string;
  readonly revocation: Revocation;
}

const SCAN_COUNT = '1000';

/**
 * Reads every revocation of this prefix with SCAN (never KEYS), on every master of a Cluster.
 * Each round trip is bounded by `stepTimeoutMs`.
 */
export async function scanRevocations(
  client: Redis | Cluster,
  keys: RedisKeys,
  stepTimeoutMs: number,
): Promise<StoredRevocation[]> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  if (nodes.length === 0) throw new Error('the Redis Cluster has no reachable master');
  const found: StoredRevocation[] = [];
  const step = <T>(promise: Promise<T>) =>
    withTimeout(promise, stepTimeoutMs, () => new Error(`Redis did not answer within ${stepTimeoutMs} ms`));
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await step(node.scan(cursor, 'MATCH', keys.scanPattern, 'COUNT', SCAN_COUNT));
      cursor = next;
      if (batch.length === 0) continue;
      const results = await step(node.pipeline(batch.map((key) => ['get', key])).exec());
      batch.forEach((key, index) => {
        const [error, value] = results?.[index] ?? [null, null];
        if (error) throw error;
        const parts = keys.parse(key);
        const revocation = parts && typeof value === 'string' ? decodeEntry(parts, value) : undefined;
        if (revocation) found.push({ key, revocation });
      });
    } while (cursor !== '0');
  }
  return found;
}
