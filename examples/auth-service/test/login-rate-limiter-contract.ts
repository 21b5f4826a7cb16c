import { setTimeout as delay } from 'node:timers/promises';
import { BUILT_IN_NAMES } from '@jwks-kit/test-kit';
import {
  createLoginRateLimiter,
  type LoginRateLimiter,
  type LoginRateLimiterOptions,
} from '../src/login-rate-limiter.js';

/** Builds a limiter over the store under test (memory, or Redis under a fresh key prefix). */
export type LimiterFactory = (options?: LoginRateLimiterOptions) => LoginRateLimiter;

const FLOOD = 10_000;

/** `count` attempts, `concurrency` at a time; resolves to how many were refused. */
async function attempts(count: number, concurrency: number, one: (i: number) => Promise<boolean>): Promise<number> {
  let refused = 0;
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => one(start + k));
    for (const allowed of await Promise.all(batch)) if (!allowed) refused += 1;
  }
  return refused;
}

/** The behaviour every store of the login limiter must show. */
export function loginRateLimiterContract(create: LimiterFactory): void {
  const allowed = async (limiter: LoginRateLimiter, username: string, ip: string) =>
    (await limiter.attempt(username, ip)).allowed;

  it('locks a username after maxFailuresPerUsername attempts, whatever IPs they came from, with a Retry-After', async () => {
    const limiter = create({ maxFailuresPerUsername: 5, windowSeconds: 900 });
    for (let i = 1; i <= 5; i++) expect(await allowed(limiter, 'alice', `198.51.100.${i}`)).toBe(true);
    const decision = await limiter.attempt('alice', '203.0.113.9');
    expect(decision.allowed).toBe(false);
    const retryAfter = decision.allowed ? 0 : decision.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThanOrEqual(899);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await allowed(limiter, 'bob', '203.0.113.9')).toBe(true);
  });

  it(`a flood of ${FLOOD.toLocaleString('en')} other usernames from the attacker's IP never lifts a user's lock`, async () => {
    // The IP rule is opened wide here so that every made-up name reaches the username counters.
    const limiter = create({ maxFailuresPerUsername: 5, maxFailuresPerIp: FLOOD * 2 });
    const attacker = '203.0.113.66';
    for (let i = 0; i < 5; i++) await limiter.attempt('alice', attacker);
    expect(await allowed(limiter, 'alice', attacker)).toBe(false);
    const made = (i: number) => `user-${i.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    expect(await attempts(FLOOD, 100, (i) => allowed(limiter, made(i), attacker))).toBe(0);
    for (let i = 0; i < 5; i++) {
      expect(await allowed(limiter, 'alice', attacker)).toBe(false);
      expect(await allowed(limiter, 'alice', `192.0.2.${i + 1}`)).toBe(false);
    }
  });

  it('locks a client IP after maxFailuresPerIp attempts over any usernames; other IPs go on', async () => {
    const limiter = create({ maxFailuresPerUsername: 5, maxFailuresPerIp: 20 });
    expect(await attempts(20, 10, (i) => allowed(limiter, `name-${i}`, '203.0.113.7'))).toBe(0);
    expect(await allowed(limiter, 'carol', '203.0.113.7')).toBe(false);
    expect(await allowed(limiter, 'carol', '203.0.113.8')).toBe(true);
  });

  it('counts parallel attempts atomically: exactly maxFailuresPerUsername of 50 at once go through', async () => {
    const limiter = create({ maxFailuresPerUsername: 5 });
    expect(await attempts(50, 50, (i) => allowed(limiter, 'dave', `198.51.100.${i}`))).toBe(45);
  });

  it("a correct password forgets the username's count and gives the IP its attempt back", async () => {
    const limiter = create({ maxFailuresPerUsername: 3, maxFailuresPerIp: 3 });
    for (let i = 0; i < 2; i++) await limiter.attempt('erin', '203.0.113.5');
    await limiter.attempt('erin', '203.0.113.5');
    await limiter.succeeded('erin', '203.0.113.5');
    expect(await allowed(limiter, 'erin', '203.0.113.6')).toBe(true);
    expect(await allowed(limiter, 'erin', '203.0.113.6')).toBe(true);
    expect(await allowed(limiter, 'frank', '203.0.113.5')).toBe(true);
    expect(await allowed(limiter, 'frank', '203.0.113.5')).toBe(false);
  });

  it.each(BUILT_IN_NAMES)('treats the built-in name %s as a plain username and IP', async (name) => {
    const limiter = create({ maxFailuresPerUsername: 2, maxFailuresPerIp: 2 });
    expect(await allowed(limiter, name, '203.0.113.1')).toBe(true);
    expect(await allowed(limiter, name, '203.0.113.2')).toBe(true);
    expect(await allowed(limiter, name, '203.0.113.3')).toBe(false);
    expect(await allowed(limiter, 'grace', name)).toBe(true);
    expect(await allowed(limiter, 'heidi', name)).toBe(true);
    expect(await allowed(limiter, 'ivan', name)).toBe(false);
    expect(await allowed(limiter, 'grace', '203.0.113.4')).toBe(true);
  });

  it('unlocks when the window has passed (real time)', async () => {
    const limiter = create({ maxFailuresPerUsername: 1, maxFailuresPerIp: 10, windowSeconds: 1 });
    expect(await allowed(limiter, 'judy', '203.0.113.1')).toBe(true);
    expect(await allowed(limiter, 'judy', '203.0.113.1')).toBe(false);
    await delay(1_100);
    expect(await allowed(limiter, 'judy', '203.0.113.1')).toBe(true);
  });

  it('validates its options at creation, naming the option', () => {
    expect(() => create({ maxFailuresPerUsername: 0 })).toThrow(/maxFailuresPerUsername/);
    expect(() => create({ maxFailuresPerIp: 1.5 })).toThrow(/maxFailuresPerIp/);
    expect(() => create({ windowSeconds: -1 })).toThrow(/windowSeconds/);
    expect(() => createLoginRateLimiter({ keyPrefix: '' })).toThrow(/keyPrefix/);
  });
}
