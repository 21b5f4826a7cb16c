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

/** Marks every CliError, from any copy of @jwks-kit/cli (ESM and CommonJS builds, two versions): see {@link isCliError}. */
const CLI_ERROR_BRAND = Symbol.for('@jwks-kit/cli:CliError');

/** An error a command reports to the operator: its message is printed, its exit code returned. */
export class CliError extends Error {
  override readonly name = 'CliError';
  static {
    Object.defineProperty(this.prototype, CLI_ERROR_BRAND, { value: true });
  }
  readonly code: CliErrorCode;
  /** The process exit code this error ends the command with. */
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCodes[code];
  }
}

/**
 * True for a {@link CliError}, also one thrown by another copy of @jwks-kit/cli (its CommonJS build beside
 * the ESM one, or a second version in node_modules), where `instanceof` is false.
 */
export function isCliError(value: unknown): value is CliError {
  return typeof value === 'object' && value !== null && CLI_ERROR_BRAND in value;
}
