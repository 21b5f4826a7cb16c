/** Throws a TypeError naming `name` unless `value` is undefined or a finite number within [min, max]. */
export function optionalNumber(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`option \`${name}\` must be a finite number between ${min} and ${max}`);
  }
  return value;
}

/** Throws a TypeError naming `name` unless `value` is undefined or a boolean. */
export function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`option \`${name}\` must be a boolean`);
  return value;
}

/** Throws a TypeError naming `name` unless `value` is undefined or a function. */
export function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`option \`${name}\` must be a function`);
  return value;
}

/** Throws a TypeError naming `name` unless `value` is a string of 1 to `maxLength` characters. */
export function requiredString(name: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new TypeError(`option \`${name}\` must be a string of 1 to ${maxLength} characters`);
  }
  return value;
}

/** Throws a TypeError naming `logger` unless `value` is undefined or has error, warn, info and debug methods. */
export function optionalLogger<T extends object>(value: T | undefined): T | undefined {
  const methods = value as Record<string, unknown> | undefined;
  if (value !== undefined && !['error', 'warn', 'info', 'debug'].every((m) => typeof methods?.[m] === 'function'))
    throw new TypeError('option `logger` must be a logger with error, warn, info and debug methods (pino, bunyan)');
  return value;
}
