import { redisRetryStrategy } from '../src/open-denylist.js';

describe('redisRetryStrategy', () => {
  it('spreads reconnect delays over [0, cap], the cap doubling from 50 ms to 2 s', () => {
    for (const [attempt, cap] of [
      [1, 50],
      [3, 200],
      [6, 1_600],
      [7, 2_000],
      [100, 2_000],
    ] as const) {
      const delays = Array.from({ length: 2_000 }, () => redisRetryStrategy(attempt));
      expect(delays.every((ms) => Number.isInteger(ms) && ms >= 0 && ms <= cap)).toBe(true);
      expect(Math.min(...delays)).toBeLessThanOrEqual(cap * 0.05);
      expect(Math.max(...delays)).toBeGreaterThanOrEqual(cap * 0.95);
    }
  });
});
