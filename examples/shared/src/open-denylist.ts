import { Redis } from 'ioredis';
import { createMemoryDenylist, type Denylist } from '@jwks-kit/denylist';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { fullJitterMs } from '@jwks-kit/verifier';

/**
 * ioredis reconnect delays: full jitter in `[0, min(2000, 50 * 2^(attempt-1))]` ms, so the replicas that lost
 * one Redis together do not reconnect in the same instant (ioredis' default is a fixed `min(50 * attempt, 2000)`).
 */
export const redisRetryStrategy = (attempt: number): number => fullJitterMs(attempt, 50, 2_000);

/** A denylist ready to answer, and the Redis client behind it (if any), which the caller may share. */
export type OpenedDenylist = Readonly<{ denylist: Denylist; redis: Redis | undefined; close: () => Promise<void> }>;

/** Connects to Redis and resolves once the client is ready (commands then fail fast while disconnected). */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: redisRetryStrategy,
  });
  await redis.connect();
  return redis;
}

/**
 * The denylist of one process: the embedded memory store without `redisUrl` (only meaningful when
 * every service shares this process), otherwise a Redis mirror (follows the revocation streams, no round trip per request),
 * loaded before this resolves.
 */
export async function openDenylist(
  options: Readonly<{ issuer: string; redisUrl: string | undefined; now?: () => number }>,
): Promise<OpenedDenylist> {
  if (!options.redisUrl) {
    const denylist = createMemoryDenylist({ issuer: options.issuer, now: options.now });
    return { denylist, redis: undefined, close: () => denylist.close() };
  }
  const redis = await connectRedis(options.redisUrl);
  const denylist = createRedisDenylist(redis, { issuer: options.issuer, mode: 'mirror', now: options.now });
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
