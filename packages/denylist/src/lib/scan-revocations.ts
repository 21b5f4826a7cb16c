import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import { decodeEntry } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { Revocation } from './revocation-rules.js';
import { withTimeout } from './with-timeout.js';

/** One SCAN step's worth of what Redis holds under the prefix. */
export interface ScanChunk {
  /** Revocations found, with the key each was found under. */
  readonly found: readonly { readonly key: string; readonly revocation: Revocation }[];
  /** Revocation streams found (one per issuer). */
  readonly streams: readonly string[];
}

/** Keys asked for per SCAN step: one step (SCAN, then one MGET per issuer in the batch) takes a few ms. */
const SCAN_COUNT = '1000';

/**
 * Reads every revocation and stream of this prefix with SCAN (never KEYS), on every master of a Cluster,
 * one bounded chunk at a time, yielding to the event loop between chunks so that requests keep being
 * served during a load of any size. Each round trip is bounded by `stepTimeoutMs`.
 */
export async function* scanRevocations(
  client: Redis | Cluster,
  keys: RedisKeys,
  stepTimeoutMs: number,
): AsyncGenerator<ScanChunk> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  if (nodes.length === 0) throw new Error('the Redis Cluster has no reachable master');
  const step = <T>(promise: Promise<T>) =>
    withTimeout(promise, stepTimeoutMs, () => new Error(`Redis did not answer within ${stepTimeoutMs} ms`));
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await step(node.scan(cursor, 'MATCH', keys.scanPattern, 'COUNT', SCAN_COUNT));
      cursor = next;
      const streams = batch.filter((key) => keys.isStream(key));
      const wanted = batch.filter((key) => !keys.isStream(key));
      const found: { key: string; revocation: Revocation }[] = [];
      // one MGET per hash tag (an issuer: one slot), so a chunk costs a couple of commands, not one per key
      for (const group of groupByHashTag(wanted)) {
        const values = await step(node.mget(group));
        group.forEach((key, index) => {
          const value = values[index];
          const parts = keys.parse(key);
          const revocation = parts && typeof value === 'string' ? decodeEntry(parts, value) : undefined;
          if (revocation) found.push({ key, revocation });
        });
      }
      yield { found, streams };
      await yieldToEventLoop();
    } while (cursor !== '0');
  }
}

/** Keys grouped by their `{hash tag}` (all keys of this prefix have one), in first-seen order. */
function groupByHashTag(batch: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of batch) {
    const tag = key.slice(0, key.indexOf('}') + 1);
    let group = groups.get(tag);
    if (group === undefined) groups.set(tag, (group = []));
    group.push(key);
  }
  return [...groups.values()];
}
