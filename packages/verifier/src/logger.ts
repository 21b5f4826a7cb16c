/** A pino- or bunyan-shaped logger: each method takes an object of fields and a message. */
export interface Logger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** Validates a `logger` option (TypeError naming it); `undefined` stays undefined (silent). */
export function checkLogger(value: unknown, option = 'logger'): Logger | undefined {
  if (value === undefined) return undefined;
  const candidate = value as Partial<Record<(typeof LEVELS)[number], unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || !LEVELS.every((l) => typeof candidate[l] === 'function'))
    throw new TypeError(
      `option \`${option}\` must be a logger with error, warn, info and debug methods (pino, bunyan)`,
    );
  return value as Logger;
}
