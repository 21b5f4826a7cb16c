import { createClock } from '@jwks-kit/test-kit';
import { createLoginRateLimiter } from '../src/login-rate-limiter.js';

describe('createLoginRateLimiter', () => {
  it('refuses a user+IP after maxFailures until the window ends, with a Retry-After in seconds', () => {
    const clock = createClock();
    const limiter = createLoginRateLimiter({ maxFailures: 3, windowMs: 60_000, now: clock.now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: true });
      limiter.recordFailure('alice', '10.0.0.1');
    }
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(45_500);
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 15 });
    clock.advance(14_500);
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('keys by user and IP: another IP or another user is not locked out', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 1, now: createClock().now });
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.check('alice', '10.0.0.1').allowed).toBe(false);
    expect(limiter.check('alice', '10.0.0.2').allowed).toBe(true);
    expect(limiter.check('bob', '10.0.0.1').allowed).toBe(true);
  });

  it('forgets failures after a successful login', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 2, now: createClock().now });
    limiter.recordFailure('alice', 'ip');
    limiter.reset('alice', 'ip');
    limiter.recordFailure('alice', 'ip');
    expect(limiter.check('alice', 'ip').allowed).toBe(true);
  });

  it('bounds memory: the oldest key is dropped beyond maxEntries', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 1, maxEntries: 2, now: createClock().now });
    limiter.recordFailure('a', 'ip');
    limiter.recordFailure('b', 'ip');
    limiter.recordFailure('c', 'ip');
    expect(limiter.check('a', 'ip').allowed).toBe(true);
    expect(limiter.check('c', 'ip').allowed).toBe(false);
  });

  it('validates its options at creation', () => {
    expect(() => createLoginRateLimiter({ maxFailures: 0 })).toThrow(/maxFailures/);
    expect(() => createLoginRateLimiter({ windowMs: 1.5 })).toThrow(/windowMs/);
  });
});
