import { Redis } from 'ioredis';
import { fullJitterMs } from '@jwks-kit/verifier';
import type { Env } from './env.js';

/** One Sentinel process, as `REDIS_SENTINELS` lists them. */
export type SentinelAddress = Readonly<{ host: string; port: number }>;

/**
 * Where a service's Redis is: one server (`REDIS_URL`), or the primary that Sentinel names
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`), plus how many replicas must acknowledge each write that
 * has to survive a failover (revocations, refresh rotations: `REDIS_WAIT_FOR_REPLICAS`).
 */
export type RedisConnection = Readonly<
  (
    | { kind: 'url'; url: string }
    | { kind: 'sentinel'; sentinels: readonly SentinelAddress[]; name: string; password: string | undefined }
  ) & { waitForReplicas: number }
>;

/**
 * ioredis reconnect delays: full jitter in `[0, min(2000, 50 * 2^(attempt-1))]` ms, so the replicas that lost
 * one Redis together do not reconnect in the same instant (ioredis' default is a fixed `min(50 * attempt, 2000)`).
 */
export const redisRetryStrategy = (attempt: number): number => fullJitterMs(attempt, 50, 2_000);

/** Reads a redis:// or rediss:// URL; unset or empty means `undefined`. */
function readRedisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  return raw;
}

/** Reads `host:port,host:port,…`; unset or empty means `undefined`. */
function readSentinels(env: Env): SentinelAddress[] | undefined {
  const raw = env.REDIS_SENTINELS;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((entry) => {
    const match = /^\s*([^\s:,]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\s*$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535)
      throw new Error(
        'REDIS_SENTINELS must be a comma-separated list of host:port (e.g. 10.0.0.5:26379,10.0.0.6:26379)',
      );
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * The Redis a service uses, from `REDIS_URL`, or `REDIS_SENTINELS` with `REDIS_SENTINEL_NAME` (and
 * `REDIS_PASSWORD` for the data servers, if they need one); `undefined` when neither is set (embedded
 * in-memory stores). `REDIS_WAIT_FOR_REPLICAS` (default 0) applies to both. Throws an Error naming the variable.
 */
export function readRedisConnection(env: Env): RedisConnection | undefined {
  const url = readRedisUrl(env);
  const sentinels = readSentinels(env);
  const raw = env.REDIS_WAIT_FOR_REPLICAS || '0';
  if (!/^\d{1,2}$/.test(raw)) throw new Error('REDIS_WAIT_FOR_REPLICAS must be a whole number from 0 to 99');
  const waitForReplicas = Number(raw);
  if (url && sentinels) throw new Error('set either REDIS_URL or REDIS_SENTINELS, not both');
  if (sentinels) {
    const name = env.REDIS_SENTINEL_NAME;
    if (!name) throw new Error('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the monitored primary’s name)');
    return { kind: 'sentinel', sentinels, name, password: env.REDIS_PASSWORD || undefined, waitForReplicas };
  }
  if (env.REDIS_SENTINEL_NAME) throw new Error('REDIS_SENTINEL_NAME needs REDIS_SENTINELS');
  if (url) return { kind: 'url', url, waitForReplicas };
  if (waitForReplicas > 0) throw new Error('REDIS_WAIT_FOR_REPLICAS needs REDIS_URL or REDIS_SENTINELS');
  return undefined;
}

/** Where the connection goes, for a log line (never a password). */
export function describeRedis(connection: RedisConnection): string {
  if (connection.kind === 'sentinel')
    return `Sentinel primary "${connection.name}" via ${connection.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  const url = new URL(connection.url);
  url.username = '';
  url.password = '';
  return url.href;
}

/**
 * Connects to Redis (to the primary Sentinel names, and to the new one after a failover) and resolves once
 * the client is ready; commands then fail fast while disconnected, and reconnection retries with jitter.
 */
export async function connectRedis(connection: RedisConnection): Promise<Redis> {
  const common = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: redisRetryStrategy,
  } as const;
  const redis =
    connection.kind === 'url'
      ? new Redis(connection.url, common)
      : new Redis({
          ...common,
          sentinels: [...connection.sentinels],
          name: connection.name,
          ...(connection.password ? { password: connection.password } : {}),
          sentinelRetryStrategy: redisRetryStrategy,
        });
  await redis.connect();
  return redis;
}
