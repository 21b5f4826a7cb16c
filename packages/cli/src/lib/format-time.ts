const units: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `2026-01-01T00:04:00Z`: UTC, second precision. */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'invalid date';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A duration in its two largest units: `4m`, `1h 5m`, `2d 3h`, `12s`. */
export function formatDuration(ms: number): string {
  const rest = Math.abs(ms);
  const index = units.findIndex(([, size]) => rest >= size);
  const unit = units[index];
  if (!unit) return '0s';
  const count = Math.floor(rest / unit[1]);
  const next = units[index + 1];
  const nextCount = next ? Math.floor((rest - count * unit[1]) / next[1]) : 0;
  return next && nextCount > 0 ? `${count}${unit[0]} ${nextCount}${next[0]}` : `${count}${unit[0]}`;
}

/** Relative to `nowMs`: `in 4m`, `3h 2m ago`, `now`. */
export function formatRelative(ms: number, nowMs: number): string {
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** Parses a duration such as `300` (seconds), `30s`, `5m`, `1h`, `2d` into seconds; `undefined` when malformed. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}
