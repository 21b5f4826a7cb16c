export { run } from './run.js';
export { ExitCode } from './lib/exit-codes.js';
export { CliError, isCliError } from './lib/cli-error.js';
export type { CliErrorCode } from './lib/cli-error.js';
export type { CliIo, TextSink } from './lib/cli-io.js';
