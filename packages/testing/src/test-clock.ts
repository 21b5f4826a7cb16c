/** A manual clock: give `clock.now` to the mock issuer and to the verifier (`now` option) so both agree. */
export interface TestClock {
  /** Current time in milliseconds since the epoch. */
  now: () => number;
  /** Current time in whole seconds (JWT NumericDate). */
  nowSeconds: () => number;
  /** Moves time forward by `ms` (finite, non-negative). */
  advance(ms: number): void;
  /** Sets the absolute time in milliseconds. */
  set(ms: number): void;
}

/** Creates a manual clock starting at `startMs`. @default startMs Date.UTC(2026, 0, 1) */
export function createTestClock(startMs = Date.UTC(2026, 0, 1)): TestClock {
  if (!Number.isFinite(startMs)) throw new TypeError('createTestClock(startMs) takes a finite number of milliseconds');
  let current = startMs;
  return {
    now: () => current,
    nowSeconds: () => Math.floor(current / 1000),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) takes a finite, non-negative number');
      current += ms;
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('set(ms) takes a finite number');
      current = ms;
    },
  };
}
