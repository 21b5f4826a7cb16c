import { CliError } from './cli-error.js';
import type { CommandInput } from './command.js';

/** The string value of `--name`, or `fallback`. */
export function stringOption(input: CommandInput, name: string): string | undefined;
export function stringOption(input: CommandInput, name: string, fallback: string): string;
export function stringOption(input: CommandInput, name: string, fallback?: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : fallback;
}

/** The string value of a required `--name`; a usage error when missing or empty. */
export function requiredOption(input: CommandInput, name: string): string {
  const value = stringOption(input, name);
  if (value === undefined || value === '') throw new CliError('ERR_CLI_USAGE', `--${name} is required`);
  return value;
}

/** True when the boolean flag `--name` was given. */
export function flagOption(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

/** A positive integer option (`--bits 3072`); a usage error when not one. */
export function integerOption(input: CommandInput, name: string, fallback: number): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new CliError('ERR_CLI_USAGE', `--${name} takes a positive integer, got "${text}"`);
  return Number(text);
}
