/** A pino- or bunyan-shaped logger: each method takes an object of fields and a message. */
export interface DenylistLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}
