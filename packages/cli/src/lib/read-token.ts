import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { readStdin } from './read-stdin.js';

/** Largest input accepted for a token; far above any sane token, small enough to never hurt. */
const maxInputBytes = 64 * 1024;

/** Options of {@link readToken}. */
export type ReadTokenOptions = Readonly<{
  /** The positional argument: `-` (stdin), undefined (stdin unless it is a terminal) or a token. */
  argument: string | undefined;
  /** Accept a token given as an argument. */
  allowArgv: boolean;
}>;

/**
 * Reads the token to inspect. A token typed as an argument stays in the shell history and the
 * process list, so it is refused unless `allowArgv`; `-` (or a pipe) reads standard input. Surrounding
 * whitespace and a `Bearer ` prefix are removed.
 */
export async function readToken(io: CliIo, options: ReadTokenOptions): Promise<string> {
  const { argument, allowArgv } = options;
  let text: string;
  if (argument !== undefined && argument !== '-') {
    if (!allowArgv) {
      throw new CliError(
        'ERR_CLI_TOKEN_IN_ARGV',
        'refusing to read a token from the command line: it would stay in your shell history and be visible in the process list.\n' +
          'Pipe it on standard input instead, e.g.  pbpaste | jwks-kit inspect -   or   jwks-kit inspect - < token.txt\n' +
          '(--allow-argv accepts it anyway)',
      );
    }
    text = argument;
  } else {
    if (argument === undefined && io.stdin.isTTY) {
      throw new CliError(
        'ERR_CLI_USAGE',
        'no token given: pipe one on standard input, e.g.  jwks-kit inspect - < token.txt',
      );
    }
    text = await readStdin(io.stdin, maxInputBytes);
  }
  const token = text.trim().replace(/^Bearer\s+/i, '');
  if (token === '') throw new CliError('ERR_CLI_MALFORMED_TOKEN', 'malformed token: the input is empty');
  if (/\s/.test(token))
    throw new CliError('ERR_CLI_MALFORMED_TOKEN', 'malformed token: it contains whitespace (one token per input)');
  return token;
}
