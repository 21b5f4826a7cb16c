import { lstat } from 'node:fs/promises';
import { CliError } from '../lib/cli-error.js';
import type { CommandSpec } from '../lib/command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { formatKeyTable, listKeys } from '../lib/format-keys.js';
import { createKeyDirectory } from '../lib/create-key-directory.js';
import {
  DEFAULT_KEYS_DIR,
  algOption,
  algorithmOption,
  dirOption,
  keyFilePath,
  openKeyRing,
  readStoredKeys,
  timingOptions,
} from '../lib/key-directory.js';
import { integerOption, stringOption } from '../lib/options.js';

const modulusLengths = [2048, 3072, 4096] as const;

/** `jwks-kit keys init`: creates a key store with an active and a next key. */
export const keysInitCommand: CommandSpec = {
  name: 'keys init',
  summary: 'create a key store (directory 0700, key file 0600) with an active and a next key of one algorithm',
  usage: 'keys init [--dir DIR] [--alg RS256|PS256|ES256|EdDSA] [--bits 2048|3072|4096]',
  options: {
    dir: dirOption,
    alg: { ...algOption, description: `${algOption.description}; default RS256` },
    bits: {
      type: 'string',
      valueName: 'BITS',
      description: 'RSA modulus length (RS256, PS256): 2048, 3072 or 4096 (default 2048)',
    },
    ...timingOptions,
  },
  details: `Creates DIR (mode 0700) when missing and writes the key file (mode 0600). Refuses to
overwrite an existing key file: rotate it with \`jwks-kit keys rotate\` or move it away first.
Exit codes: 0 created, 1 a key file exists already, 2 bad option, 3 directory or file cannot be written.`,
  async run(input, context) {
    const algorithm = algorithmOption(input, 'RS256');
    if (input.values.bits !== undefined && algorithm !== 'RS256' && algorithm !== 'PS256')
      throw new CliError('ERR_CLI_USAGE', `--bits applies to RSA keys (RS256, PS256), not ${algorithm}`);
    const bits = integerOption(input, 'bits', 2048);
    const modulusLength = modulusLengths.find((length) => length === bits);
    if (!modulusLength) throw new CliError('ERR_CLI_USAGE', `--bits must be 2048, 3072 or 4096, got ${bits}`);
    const dir = stringOption(input, 'dir', DEFAULT_KEYS_DIR);
    const path = keyFilePath(input);
    await createKeyDirectory(dir, context);
    const existing = await lstat(path).catch(() => undefined);
    if (existing) {
      throw new CliError(
        'ERR_CLI_EXISTS',
        `refusing to overwrite ${path}: it exists already (rotate with  jwks-kit keys rotate --dir ${dir}, or move it away first)`,
      );
    }
    await openKeyRing(input, { now: context.now, algorithm, modulusLength });
    const set = await readStoredKeys(input);
    if (context.json) context.printJson({ file: path, created: true, keys: listKeys(set.keys) });
    else
      context.print(
        `Created ${path} (mode 0600) with an active and a next key.\n\n${formatKeyTable(set.keys, context.now())}`,
      );
    return ExitCode.Ok;
  },
};
