import type { CommandSpec } from '../lib/command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { dirOption, keyFilePath, readStoredKeys } from '../lib/key-directory.js';
import { formatKeyTable, listKeys } from '../lib/format-keys.js';

/** `jwks-kit keys list`: the keys of a store with their life-cycle times, no private material. */
export const keysListCommand: CommandSpec = {
  name: 'keys list',
  summary: 'list the keys of a key store: kid, state, size, created, activates, retires',
  usage: 'keys list [--dir DIR] [--json]',
  options: { dir: dirOption },
  details: `States: next (published, not signing yet), active (signing), retired (published until every
token it signed has expired). Private key material is never printed. Read-only.
Exit codes: 0 listed, 3 key file missing, unreadable, corrupt or readable by group/others.`,
  async run(input, context) {
    const set = await readStoredKeys(input);
    if (context.json) context.printJson({ file: keyFilePath(input), keys: listKeys(set.keys) });
    else context.print(formatKeyTable(set.keys, context.now()));
    return ExitCode.Ok;
  },
};
