import type { CliIo } from './cli-io.js';
import type { ExitCode } from './exit-codes.js';

/** One option of a command, as `node:util` parseArgs takes it plus what its help shows. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder in help, e.g. `DIR`. */
  readonly valueName?: string;
  readonly description: string;
}

/** Parsed arguments of one command. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** What a command writes to and reads from. */
export interface CommandContext {
  readonly io: CliIo;
  /** `--json` was given: print one JSON document on stdout. */
  readonly json: boolean;
  now(): number;
  /** Writes text to stdout. */
  print(text: string): void;
  /** Writes a JSON document (pretty, one trailing newline) to stdout. */
  printJson(value: unknown): void;
  /** Writes a line to stderr (notes, warnings, banners that must not pollute stdout). */
  note(text: string): void;
}

/** A command: its help texts, options and what it does. */
export interface CommandSpec {
  /** Words that select it, e.g. `keys init`. */
  readonly name: string;
  readonly summary: string;
  /** Usage line without the program name, e.g. `keys init [--dir DIR] [--bits 2048]`. */
  readonly usage: string;
  /** Paragraphs shown after the options in `--help`. */
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Most positional arguments accepted. @default 0 */
  readonly maxPositionals?: number;
  run(input: CommandInput, context: CommandContext): Promise<ExitCode>;
}
