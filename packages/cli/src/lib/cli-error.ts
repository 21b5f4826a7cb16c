import { ExitCode } from './exit-codes.js';

/** Codes of {@link CliError}. */
export type CliErrorCode =
  | 'ERR_CLI_USAGE'
  | 'ERR_CLI_TOKEN_IN_ARGV'
  | 'ERR_CLI_MALFORMED_TOKEN'
  | 'ERR_CLI_IO'
  | 'ERR_CLI_KEY_STORE'
  | 'ERR_CLI_EXISTS'
  | 'ERR_CLI_UNREACHABLE'
  | 'ERR_CLI_BAD_JWKS'
  | 'ERR_CLI_BAD_KEY'
  | 'ERR_CLI_REFUSED';

const exitCodes: Readonly<Record<CliErrorCode, ExitCode>> = {
  ERR_CLI_USAGE: ExitCode.Usage,
  ERR_CLI_TOKEN_IN_ARGV: ExitCode.Usage,
  ERR_CLI_MALFORMED_TOKEN: ExitCode.Failure,
  ERR_CLI_IO: ExitCode.Io,
  ERR_CLI_KEY_STORE: ExitCode.Io,
  ERR_CLI_EXISTS: ExitCode.Failure,
  ERR_CLI_UNREACHABLE: ExitCode.Io,
  ERR_CLI_BAD_JWKS: ExitCode.Io,
  ERR_CLI_BAD_KEY: ExitCode.Failure,
  ERR_CLI_REFUSED: ExitCode.Failure,
};

/** An error a command reports to the operator: its message is printed, its exit code returned. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  /** The process exit code this error ends the command with. */
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCodes[code];
  }
}
