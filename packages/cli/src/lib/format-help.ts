import type { CommandSpec, OptionSpec } from './command.js';
import { formatTable } from './format-table.js';

/** Options every command takes; they are listed in each command's help. */
export const commonOptions: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'print one JSON document instead of a table' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  const value = option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : '';
  return `  ${short}--${name}${value}`;
}

/** The `--help` text of one command. */
export function formatCommandHelp(program: string, command: CommandSpec): string {
  const options = { ...command.options, ...commonOptions };
  const rows = Object.entries(options).map(([name, option]) => [optionLabel(name, option), option.description]);
  const details = command.details ? `\n${command.details.trimEnd()}\n` : '';
  return `Usage: ${program} ${command.usage}\n\n${command.summary}\n\nOptions:\n${formatTable(rows)}${details}`;
}

/** The overview listing `commands` (all of them, or one group such as `keys`). */
export function formatOverview(program: string, commands: readonly CommandSpec[], footer: string): string {
  const rows = commands.map((command) => [`  ${command.name}`, command.summary]);
  return `Usage: ${program} <command> [options]\n\nCommands:\n${formatTable(rows)}\n${footer.trimEnd()}\n`;
}
