import { isIssuerError } from '@jwks-kit/issuer';
import { CliError } from '../lib/cli-error.js';
import type { CommandSpec } from '../lib/command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { formatKeyTable, listKeys } from '../lib/format-keys.js';
import { formatRelative, formatUtc } from '../lib/format-time.js';
import {
  algOption,
  algorithmOption,
  dirOption,
  issuerCall,
  keyFilePath,
  openKeyRing,
  readStoredKeys,
  timingOptions,
} from '../lib/key-directory.js';
import { flagOption } from '../lib/options.js';

/** How a running issuer learns about a rotation, shown after each one. */
export const pickupNote =
  'A running issuer over the same key file picks the change up at its next scheduled check\n' +
  '(keyRing.start(): every checkIntervalMs, 1 minute by default) or at once on keyRing.reload().';

/** `jwks-kit keys rotate`: next → active, active → retired, and a new next key. */
export const keysRotateCommand: CommandSpec = {
  name: 'keys rotate',
  summary: 'rotate: the next key starts signing, the active key retires, a new next key is published',
  usage: 'keys rotate [--dir DIR] [--now] [--alg RS256|PS256|ES256|EdDSA]',
  options: {
    dir: dirOption,
    alg: {
      ...algOption,
      description:
        'algorithm of the new next key (changing algorithm is a rotation); default that of the key that starts signing',
    },
    now: { type: 'boolean', description: 'rotate even if verifiers may not have cached the next key yet (emergency)' },
    ...timingOptions,
  },
  details: `Runs the issuer's own rotation on the key file: the file is locked against other writers and
replaced atomically (temporary file + rename), so it is safe while issuers run. ${pickupNote}

Without --now, rotation waits until the next key has been published for the verifiers' JWKS
cache age, so that no verifier meets an unknown kid. --now (a leaked key) rotates at once:
verifiers refetch the JWKS on the unknown kid. The retired key stays published until every token
it signed has expired. --alg ES256 (say) makes the new next key an ES256 key: it is published from
now and starts signing at the following rotation, while tokens of the RS256 keys keep verifying
until they expire. Exit codes: 0 rotated, 1 next key not published long enough (use --now),
3 key file missing, unreadable, corrupt or unsafe.`,
  async run(input, context) {
    await readStoredKeys(input);
    const ring = await openKeyRing(input, { now: context.now });
    const before = ring.keys().find((key) => key.state === 'next');
    const nextAlgorithm = algorithmOption(input, before?.alg ?? 'RS256');
    try {
      await ring.rotate({ force: flagOption(input, 'now'), nextAlgorithm });
    } catch (error) {
      if (isIssuerError(error) && error.code === 'ERR_NEXT_KEY_NOT_READY' && before) {
        throw new CliError(
          'ERR_CLI_REFUSED',
          `not rotating: the next key ${before.kid} may not be in every verifier's cached JWKS until ` +
            `${formatUtc(before.activatesAtMs)} (${formatRelative(before.activatesAtMs, context.now())}). ` +
            'Rotate then, or now with --now if the active key must stop signing at once.',
          { cause: error },
        );
      }
      throw error;
    }
    const set = await issuerCall(() => readStoredKeys(input));
    const active = set.keys.find((key) => key.state === 'active');
    if (context.json)
      context.printJson({ file: keyFilePath(input), rotated: true, activeKid: active?.kid, keys: listKeys(set.keys) });
    else
      context.print(
        `Rotated: ${active?.kid ?? '?'} signs now.\n\n${formatKeyTable(set.keys, context.now())}\n${pickupNote}\n`,
      );
    return ExitCode.Ok;
  },
};
