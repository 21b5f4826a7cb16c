import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Options of {@link createOAuthEndpointLimiters}. */
export type OAuthEndpointLimitersOptions = Readonly<{
  /** Redis shared by every replica: the counters live there. Without it they live in this process. */
  redis?: Redis;
  /** Requests per client id (authenticated or not) within `requestWindowSeconds`. @default 100 */
  maxRequestsPerClient?: number;
  /** Window of `maxRequestsPerClient`, in seconds. @default 1 */
  requestWindowSeconds?: number;
  /** Failed client authentications per client IP within `failureWindowSeconds`, then 429. @default 10 */
  maxFailuresPerIp?: number;
  /** Window of `maxFailuresPerIp`, in seconds. @default 60 */
  failureWindowSeconds?: number;
  /** Prefix of the Redis keys (`<prefix>:request:client:<id>`, `<prefix>:failure:ip:<address>`). @default 'jwks-kit:oauth' */
  keyPrefix?: string;
}>;

/** The two limiters `createClientAuthenticator()` of `@jwks-kit/issuer` takes for `/revoke` and `/introspect`. */
export type OAuthEndpointLimiters = Readonly<{
  requestLimiter: RateLimiterAbstract;
  failureLimiter: RateLimiterAbstract;
}>;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new TypeError(`option \`${name}\` must be a positive integer`);
  return v;
}

/**
 * Rate limiters of the RFC 7009 / RFC 7662 endpoints (rate-limiter-flexible): `RateLimiterRedis` over the given
 * ioredis client, so every replica counts the same requests, `RateLimiterMemory` without one. A limiter whose
 * Redis is unreachable rejects (`rejectIfRedisNotReady`): the endpoints then answer 503, never serve uncounted.
 */
export function createOAuthEndpointLimiters(options: OAuthEndpointLimitersOptions = {}): OAuthEndpointLimiters {
  const prefix = options.keyPrefix ?? 'jwks-kit:oauth';
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError('option `keyPrefix` must be a non-empty string');
  const rule = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const base = { keyPrefix: `${prefix}:${name}`, points, duration };
    return options.redis
      ? new RateLimiterRedis({ ...base, storeClient: options.redis, rejectIfRedisNotReady: true })
      : new RateLimiterMemory(base);
  };
  return {
    requestLimiter: rule(
      'request',
      positiveInteger('maxRequestsPerClient', options.maxRequestsPerClient, 100),
      positiveInteger('requestWindowSeconds', options.requestWindowSeconds, 1),
    ),
    failureLimiter: rule(
      'failure',
      positiveInteger('maxFailuresPerIp', options.maxFailuresPerIp, 10),
      positiveInteger('failureWindowSeconds', options.failureWindowSeconds, 60),
    ),
  };
}
