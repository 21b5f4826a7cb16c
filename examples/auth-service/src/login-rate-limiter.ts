/** Options of {@link createLoginRateLimiter}. */
export type LoginRateLimiterOptions = Readonly<{
  /** Failed attempts allowed per user and IP within the window. @default 5 */
  maxFailures?: number;
  /** Window that failures are counted in, and how long a locked key stays locked, in ms. @default 900000 (15 min) */
  windowMs?: number;
  /** Upper bound on tracked keys; the oldest entries are dropped first. @default 10000 */
  maxEntries?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}>;

/** The answer of {@link LoginRateLimiter.check}. */
export type RateLimitDecision = Readonly<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;

/** Counts failed logins per user and IP. */
export interface LoginRateLimiter {
  /** Whether another attempt for this user from this IP may be checked now. */
  check(username: string, ip: string): RateLimitDecision;
  /** Records a failed attempt. */
  recordFailure(username: string, ip: string): void;
  /** Forgets the failures after a successful login. */
  reset(username: string, ip: string): void;
}

type Entry = { failures: number; windowStartMs: number };

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new TypeError(`${name} must be a positive integer`);
  return v;
}

/**
 * Fixed-window limiter of failed logins keyed by user and IP: after `maxFailures` failures the pair is
 * refused until its window ends (HTTP 429 with `Retry-After`). Keying by both means an attacker cannot
 * lock a victim out from another IP, and one IP cannot spray one user indefinitely.
 */
export function createLoginRateLimiter(options: LoginRateLimiterOptions = {}): LoginRateLimiter {
  const maxFailures = positiveInteger('maxFailures', options.maxFailures, 5);
  const windowMs = positiveInteger('windowMs', options.windowMs, 15 * 60_000);
  const maxEntries = positiveInteger('maxEntries', options.maxEntries, 10_000);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now must be a function');
  const entries = new Map<string, Entry>();
  const keyOf = (username: string, ip: string) => `${ip}\u0000${username}`;
  const current = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && now() - entry.windowStartMs >= windowMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    check(username, ip) {
      const entry = current(keyOf(username, ip));
      if (!entry || entry.failures < maxFailures) return { allowed: true };
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((entry.windowStartMs + windowMs - now()) / 1000)),
      };
    },
    recordFailure(username, ip) {
      const key = keyOf(username, ip);
      const entry = current(key);
      if (entry) {
        entry.failures += 1;
        return;
      }
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { failures: 1, windowStartMs: now() });
    },
    reset(username, ip) {
      entries.delete(keyOf(username, ip));
    },
  };
}
