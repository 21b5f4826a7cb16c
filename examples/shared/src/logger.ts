import { pino, type Logger } from 'pino';

/** The examples' logger: pino, JSON lines on stdout, named after the service; `level` from `LOG_LEVEL`. */
export function createServiceLogger(name: string, level = 'info'): Logger {
  return pino({ name, level });
}

export type { Logger };
