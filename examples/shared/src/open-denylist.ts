import type { Redis } from 'ioredis';
import { createMemoryDenylist, type Denylist, type DenylistLogger } from '@jwks-kit/denylist';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { connectRedis, type RedisConnection } from './redis-connection.js';

/** A denylist ready to answer, and the Redis client behind it (if any), which the caller may share. */
export type OpenedDenylist = Readonly<{ denylist: Denylist; redis: Redis | undefined; close: () => Promise<void> }>;

/**
 * The denylist of one process: the embedded memory store without `redis` (only meaningful when
 * every service shares this process), otherwise a Redis mirror (follows the revocation streams, no round trip per request),
 * loaded before this resolves. Its revocations wait for `redis.waitForReplicas` replicas (WAIT) before they are
 * acknowledged, so that a Sentinel failover cannot lose one. `maxStalenessMs` (default the denylist's, 5000) bounds
 * how long the mirror answers from its last state while it cannot follow Redis. `logger` gets the mirror's
 * disconnects, recoveries and failing closed, once per change.
 */
export async function openDenylist(
  options: Readonly<{
    issuer: string;
    redis: RedisConnection | undefined;
    now?: () => number;
    maxStalenessMs?: number;
    logger?: DenylistLogger;
  }>,
): Promise<OpenedDenylist> {
  if (!options.redis) {
    const denylist = createMemoryDenylist({ issuer: options.issuer, now: options.now });
    return { denylist, redis: undefined, close: () => denylist.close() };
  }
  const redis = await connectRedis(options.redis);
  const denylist = createRedisDenylist(redis, {
    issuer: options.issuer,
    mode: 'mirror',
    now: options.now,
    waitForReplicas: options.redis.waitForReplicas,
    logger: options.logger,
    ...(options.maxStalenessMs === undefined ? {} : { maxStalenessMs: options.maxStalenessMs }),
  });
  try {
    await denylist.ready();
  } catch (error) {
    await denylist.close();
    redis.disconnect();
    throw error;
  }
  return {
    denylist,
    redis,
    close: async () => {
      await denylist.close();
      redis.disconnect();
    },
  };
}
