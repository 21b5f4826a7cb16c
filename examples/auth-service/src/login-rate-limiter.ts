import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Options of {@link createLoginRateLimiter}. */
export type LoginRateLimiterOptions = Readonly<{
  /** Redis shared by every replica: the counters live there. Without it they live in this process. */
  redis?: Redis;
  /** Login attempts per username (from any IP) within `windowSeconds` before it is locked. @default 5 */
  maxFailuresPerUsername?: number;
  /** Login attempts per client IP (any usernames) within `windowSeconds` before it is locked. @default 100 */
  maxFailuresPerIp?: number;
  /** Window the attempts are counted in, and how long a username or IP stays locked, in seconds. @default 900 */
  windowSeconds?: number;
  /** Prefix of the Redis keys (`<prefix>:user:<name>`, `<prefix>:ip:<address>`). @default 'jwks-kit:login' */
  keyPrefix?: string;
}>;

/** The answer of {@link LoginRateLimiter.attempt}. */
export type RateLimitDecision = Readonly<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;

/** Counts login attempts per username and per client IP, in Redis when shared by replicas. */
export interface LoginRateLimiter {
  /**
   * Counts one attempt for this username and this IP before the password is checked (atomic: parallel
   * requests cannot slip past the limit), and answers whether it may go on. Rejects when the store fails.
   */
  attempt(username: string, ip: string): Promise<RateLimitDecision>;
  /** After a correct password: forgets the username's count and gives the IP its attempt back. */
  succeeded(username: string, ip: string): Promise<void>;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new TypeError(`${name} must be a positive integer`);
  return v;
}

const retryAfterSeconds = (refusal: RateLimiterRes) => Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));

/**
 * Login throttling with rate-limiter-flexible: `RateLimiterRedis` over the given ioredis client (every
 * replica counts in the same keys), `RateLimiterMemory` without one. Two separate rules:
 * - per username, whatever the IP: after `maxFailuresPerUsername` attempts the name is locked for
 *   `windowSeconds`. Its counter is its own key, so no flood of other names can evict or reset it.
 * - per client IP, whatever the names: one source cannot spray many accounts.
 * A refused attempt is answered 429 with `Retry-After`. A store error rejects: the caller fails closed.
 */
export function createLoginRateLimiter(options: LoginRateLimiterOptions = {}): LoginRateLimiter {
  const windowSeconds = positiveInteger('windowSeconds', options.windowSeconds, 900);
  const prefix = options.keyPrefix ?? 'jwks-kit:login';
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError('keyPrefix must be a non-empty string');
  const rule = (name: string, points: number): RateLimiterAbstract => {
    const base = { keyPrefix: `${prefix}:${name}`, points, duration: windowSeconds, blockDuration: windowSeconds };
    return options.redis
      ? new RateLimiterRedis({ ...base, storeClient: options.redis, rejectIfRedisNotReady: true })
      : new RateLimiterMemory(base);
  };
  const byUsername = rule('user', positiveInteger('maxFailuresPerUsername', options.maxFailuresPerUsername, 5));
  const byIp = rule('ip', positiveInteger('maxFailuresPerIp', options.maxFailuresPerIp, 100));
  const refusedBy = async (limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | undefined> => {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return refusal;
      throw refusal;
    }
  };
  return {
    async attempt(username, ip) {
      const refusal = (await refusedBy(byIp, ip)) ?? (await refusedBy(byUsername, username));
      return refusal ? { allowed: false, retryAfterSeconds: retryAfterSeconds(refusal) } : { allowed: true };
    },
    async succeeded(username, ip) {
      await Promise.all([byUsername.delete(username), byIp.reward(ip, 1)]);
    },
  };
}
