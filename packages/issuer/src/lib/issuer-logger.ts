/** A pino- or bunyan-shaped logger: each method takes an object of fields and a message. */
export interface IssuerLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** Validates a `logger` option (TypeError naming it). */
export function checkIssuerLogger(value: unknown): IssuerLogger | undefined {
  const methods = value as Record<string, unknown> | undefined;
  if (value !== undefined && !['error', 'warn', 'info', 'debug'].every((m) => typeof methods?.[m] === 'function'))
    throw new TypeError('option `logger` must have error, warn, info and debug methods (pino, bunyan)');
  return value as IssuerLogger | undefined;
}
