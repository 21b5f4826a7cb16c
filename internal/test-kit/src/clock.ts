/** A manual clock for time-dependent units: pass `clock.now` wherever a `now()` option is taken. */
export interface TestClock {
  /** Current time in milliseconds since the epoch. */
  now: () => number;
  /** Current time in whole seconds (JWT NumericDate). */
  nowSeconds: () => number;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the absolute time in milliseconds. */
  set(ms: number): void;
}

/** Creates a clock starting at `startMs` (default: a fixed instant, 2026-01-01T00:00:00Z). */
export function createClock(startMs = Date.UTC(2026, 0, 1)): TestClock {
  let current = startMs;
  return {
    now: () => current,
    nowSeconds: () => Math.floor(current / 1000),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) takes a finite, non-negative number');
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}
