import { fullJitterMs } from '../../src/lib/full-jitter.js';

describe('fullJitterMs', () => {
  it('draws waits spread over [0, cap], the cap doubling per attempt up to maxMs', () => {
    for (const [attempt, cap] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [7, 60_000],
      [500, 60_000],
    ] as const) {
      const waits = Array.from({ length: 2_000 }, () => fullJitterMs(attempt, 1_000, 60_000));
      expect(waits.every((ms) => Number.isInteger(ms) && ms >= 0 && ms <= cap)).toBe(true);
      // Spread, not clustered: both ends of the range are reached and no one value dominates.
      expect(Math.min(...waits)).toBeLessThan(cap * 0.05);
      expect(Math.max(...waits)).toBeGreaterThan(cap * 0.95);
      expect(new Set(waits).size).toBeGreaterThan(Math.min(cap, 2_000) * 0.5);
    }
  });

  it('maps the random draw onto the range ends exactly', () => {
    expect(fullJitterMs(2, 1_000, 60_000, () => 0)).toBe(0);
    expect(fullJitterMs(2, 1_000, 60_000, () => 0.999_999_9)).toBe(2_000);
  });
});
