import { inspectCommand } from './commands/inspect.js';
import { jwksCommand } from './commands/jwks.js';
import { signCommand } from './commands/sign.js';
import { keysImportCommand } from './commands/keys-import.js';
import { keysInitCommand } from './commands/keys-init.js';
import { keysListCommand } from './commands/keys-list.js';
import { keysRotateCommand } from './commands/keys-rotate.js';
import { CliError } from './lib/cli-error.js';
import { fromIssuerError } from './lib/key-directory.js';
import type { CliIo } from './lib/cli-io.js';
import type { CommandContext, CommandSpec } from './lib/command.js';
import { ExitCode } from './lib/exit-codes.js';
import { CLI_VERSION } from './lib/version.js';
import { formatCommandHelp, formatOverview } from './lib/format-help.js';
import { parseCommandArgs } from './lib/parse-command-args.js';

const program = 'jwks-kit';

/** Every command, in the order the overview lists them. */
const commands: readonly CommandSpec[] = [
  keysInitCommand,
  keysListCommand,
  keysRotateCommand,
  keysImportCommand,
  jwksCommand,
  inspectCommand,
  signCommand,
];

const footer = `Run \`${program} <command> --help\` for the options of a command.
Exit codes: 0 ok, 1 failure (invalid token, unhealthy JWKS), 2 usage error, 3 I/O error
(unreadable or corrupt key file, unreachable URL).`;

function findCommand(argv: readonly string[]): { command: CommandSpec; rest: readonly string[] } | undefined {
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

function contextFor(io: CliIo, json: boolean): CommandContext {
  return {
    io,
    json,
    now: io.now ?? Date.now,
    print: (text) => void io.stdout.write(text),
    printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => void io.stderr.write(`${text}\n`),
  };
}

/**
 * Runs `jwks-kit` with `argv` (without the node and script paths) and resolves the exit code
 * (see {@link ExitCode}). Reads nothing from `process.env` and never calls `process.exit`.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [first, second] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${CLI_VERSION}\n`);
    return ExitCode.Ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || (first === 'help' && second === undefined)) {
    const sink = first === undefined ? io.stderr : io.stdout;
    sink.write(formatOverview(program, commands, footer));
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const helpFor = first === 'help';
  const found = findCommand(helpFor ? argv.slice(1) : argv);
  if (!found) {
    const group = commands.filter((command) => command.name.startsWith(`${helpFor ? second : first} `));
    if (group.length > 0 && (helpFor || second === undefined || second === '--help' || second === '-h')) {
      const asked = helpFor || second !== undefined;
      (asked ? io.stdout : io.stderr).write(formatOverview(program, group, footer));
      return asked ? ExitCode.Ok : ExitCode.Usage;
    }
    io.stderr.write(
      `${program}: unknown command "${argv.slice(0, group.length > 0 ? 2 : 1).join(' ')}"\nRun \`${program} --help\` for the list of commands.\n`,
    );
    return ExitCode.Usage;
  }
  const { command, rest } = found;
  if (helpFor) {
    io.stdout.write(formatCommandHelp(program, command));
    return ExitCode.Ok;
  }
  try {
    const input = parseCommandArgs(command, rest);
    if (input.values.help === true) {
      io.stdout.write(formatCommandHelp(program, command));
      return ExitCode.Ok;
    }
    return await command.run(input, contextFor(io, input.values.json === true));
  } catch (thrown) {
    const error = fromIssuerError(thrown);
    if (rest.includes('--json')) return jsonFailure(io, error);
    if (error instanceof CliError) {
      io.stderr.write(`${program} ${command.name}: ${error.message}\n`);
      if (error.exitCode === ExitCode.Usage) io.stderr.write(`Run \`${program} ${command.name} --help\` for usage.\n`);
      return error.exitCode;
    }
    if (isSystemError(error)) {
      // An I/O failure no command anticipated still ends with exit 3 and one line, never a stack.
      io.stderr.write(`${program} ${command.name}: I/O error: ${error.message.replace(/\s+/g, ' ')}\n`);
      return ExitCode.Io;
    }
    io.stderr.write(`${program} ${command.name}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.Failure;
  }
}

/** A Node system error (fs, net): it names the failed `syscall` and carries an errno `code` such as `EACCES`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & Error {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}

const ERROR_NAMES: Readonly<Record<ExitCode, string>> = {
  [ExitCode.Ok]: 'ok',
  [ExitCode.Failure]: 'failure',
  [ExitCode.Usage]: 'usage',
  [ExitCode.Io]: 'io',
};

/** With `--json`, an error is one JSON object on stdout, `{ error, code, message }`, with the same exit code. */
function jsonFailure(io: CliIo, error: unknown): ExitCode {
  const exitCode = error instanceof CliError ? error.exitCode : isSystemError(error) ? ExitCode.Io : ExitCode.Failure;
  const code = error instanceof CliError ? error.code : isSystemError(error) ? 'ERR_CLI_IO' : 'ERR_CLI_UNEXPECTED';
  const message = error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
  io.stdout.write(`${JSON.stringify({ error: ERROR_NAMES[exitCode], code, message })}\n`);
  return exitCode;
}
