import { readFile, stat } from 'node:fs/promises';
import { importPrivateKey } from '@jwks-kit/issuer';
import { CliError } from '../lib/cli-error.js';
import type { CommandSpec } from '../lib/command.js';
import { createKeyDirectory } from '../lib/create-key-directory.js';
import { ExitCode } from '../lib/exit-codes.js';
import { formatKeyTable, listKeys } from '../lib/format-keys.js';
import {
  algOption,
  algorithmOption,
  DEFAULT_KEYS_DIR,
  dirOption,
  issuerCall,
  keyFilePath,
  openKeyRing,
  openKeyStore,
  readStoredKeys,
  timingOptions,
} from '../lib/key-directory.js';
import { requiredOption, stringOption } from '../lib/options.js';
import { pickupNote } from './keys-rotate.js';

/** `jwks-kit keys import --pem FILE`: brings an existing RSA, P-256 or Ed25519 private key into a key store. */
export const keysImportCommand: CommandSpec = {
  name: 'keys import',
  summary: 'bring an existing private key (RSA ≥ 2048 bits, P-256 or Ed25519; PEM or JWK file)',
  usage: 'keys import --pem FILE [--alg RS256|PS256|ES256|EdDSA] [--dir DIR]',
  options: {
    pem: {
      type: 'string',
      valueName: 'FILE',
      description: 'unencrypted private key: PEM (PKCS#8, PKCS#1, SEC 1) or a private JWK',
    },
    alg: {
      ...algOption,
      description:
        'algorithm the key signs with: PS256 for an RSA key that should sign PS256; default by key type (RSA RS256, P-256 ES256, Ed25519 EdDSA)',
    },
    dir: dirOption,
    ...timingOptions,
  },
  details: `Into an existing key store the key is published as the next key (replacing the generated
one); it starts signing at the next \`jwks-kit keys rotate\`. Without a key file, one is created
(directory 0700, file 0600) with the imported key active at once. ${pickupNote}
Exit codes: 0 imported, 1 not an RSA, P-256 or Ed25519 private key, RSA under 2048 bits or a key that does not fit --alg, 3 file unreadable or key store unusable.`,
  async run(input, context) {
    const pemPath = requiredOption(input, 'pem');
    let text: string;
    try {
      const stats = await stat(pemPath);
      if ((stats.mode & 0o077) !== 0 && process.platform !== 'win32')
        context.note(`note: ${pemPath} is readable by group or others; delete it or chmod 600 it after the import`);
      text = await readFile(pemPath, 'utf8');
    } catch (error) {
      throw new CliError('ERR_CLI_IO', `cannot read ${pemPath}: ${(error as Error).message}`, { cause: error });
    }
    const alg = algorithmOption(input);
    const key = await issuerCall(() => importPrivateKey(text, alg === undefined ? {} : { alg }));
    const existing = await issuerCall(() => openKeyStore(input).load());
    if (existing) {
      const ring = await openKeyRing(input, { now: context.now });
      await issuerCall(() => ring.addKey(key));
    } else {
      await createKeyDirectory(stringOption(input, 'dir', DEFAULT_KEYS_DIR), context);
      await openKeyRing(input, { now: context.now, initialKey: key });
    }
    const set = await readStoredKeys(input);
    const state = set.keys.find((stored) => stored.kid === key.kid)?.state;
    if (context.json)
      context.printJson({ file: keyFilePath(input), imported: key.kid, state, keys: listKeys(set.keys) });
    else
      context.print(
        `Imported ${key.kid} as the ${state ?? '?'} key.\n\n${formatKeyTable(set.keys, context.now())}${existing ? `\n${pickupNote}\n` : ''}`,
      );
    return ExitCode.Ok;
  },
};
