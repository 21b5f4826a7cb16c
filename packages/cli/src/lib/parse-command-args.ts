import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import type { CommandInput, CommandSpec } from './command.js';
import { commonOptions } from './format-help.js';

/** Parses `argv` (after the command words) strictly against the command's options. */
export function parseCommandArgs(command: CommandSpec, argv: readonly string[]): CommandInput {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...commonOptions }).map(([name, option]) => [
      name,
      option.short ? { type: option.type, short: option.short } : { type: option.type },
    ]),
  );
  let parsed: CommandInput;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message.split('. To specify a positional')[0] ?? 'invalid arguments';
    throw new CliError('ERR_CLI_USAGE', message, { cause: error });
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.values.help !== true && parsed.positionals.length > max) {
    throw new CliError(
      'ERR_CLI_USAGE',
      max === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `too many arguments`,
    );
  }
  return parsed;
}
