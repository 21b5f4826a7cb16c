import { createAccessTokenSigner } from '@jwks-kit/issuer';
import { CliError } from '../lib/cli-error.js';
import type { CommandSpec } from '../lib/command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { parseDurationSeconds } from '../lib/format-time.js';
import { dirOption, issuerCall, openKeyRing, readStoredKeys, timingOptions } from '../lib/key-directory.js';
import { requiredOption, stringOption } from '../lib/options.js';

/** Default `iss`: the examples' auth service on its default port. */

/** `jwks-kit sign`: a development tool that signs an access token with a local key store. */
export const signCommand: CommandSpec = {
  name: 'sign',
  summary: 'DEVELOPMENT TOOL: sign an access token with the active key of a local key store',
  usage: 'sign --sub SUB --aud AUD [--scope "a b"] [--ttl 5m] --issuer URL [--dir DIR] [--json]',
  options: {
    sub: { type: 'string', valueName: 'SUB', description: 'subject (user id), required' },
    aud: { type: 'string', valueName: 'AUD', description: 'audience (the service the token is for), required' },
    scope: { type: 'string', valueName: 'SCOPES', description: 'space-separated scopes' },
    ttl: { type: 'string', valueName: 'DURATION', description: 'lifetime: 300, 30s, 5m, 1h (default 15m)' },
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'the iss claim (the issuer URL your verifiers trust), required',
    },
    'client-id': { type: 'string', valueName: 'ID', description: 'the client_id claim' },
    dir: dirOption,
    ...timingOptions,
  },
  details: `For local testing against a development key store only: a production issuer signs tokens
after authenticating a user; this command signs whatever it is told. The token goes to stdout
alone (TOKEN=$(jwks-kit sign …)), the warning to stderr. The token's alg is the active key's
(RS256, PS256, ES256 or EdDSA: see keys init --alg). Try:
  jwks-kit sign --issuer http://127.0.0.1:4000 --sub alice --aud orders --scope orders:read | jwks-kit inspect -
Exit codes: 0 signed, 1 refused by the issuer (ttl too long, bad scope), 2 usage, 3 key store unusable.`,
  async run(input, context) {
    const issuer = requiredOption(input, 'issuer');
    const sub = requiredOption(input, 'sub');
    const aud = requiredOption(input, 'aud');
    const ttlText = stringOption(input, 'ttl', '15m');
    const ttlSeconds = parseDurationSeconds(ttlText);
    if (!ttlSeconds)
      throw new CliError('ERR_CLI_USAGE', `--ttl takes a duration such as 300, 5m or 1h, got "${ttlText}"`);
    const scope = stringOption(input, 'scope');
    const clientId = stringOption(input, 'client-id');
    await readStoredKeys(input);
    context.note(
      'jwks-kit sign is a DEVELOPMENT TOOL: it signs without authenticating anyone. Never point it at production keys.',
    );
    const keyRing = await openKeyRing(input, { now: context.now });
    const signer = createAccessTokenSigner({
      issuer,
      keyRing,
      now: context.now,
    });
    const signed = await issuerCall(() =>
      signer.sign({
        sub,
        aud,
        ttlSeconds,
        ...(scope === undefined ? {} : { scope }),
        ...(clientId === undefined ? {} : { clientId }),
      }),
    );
    if (context.json) context.printJson(signed);
    else context.print(`${signed.token}\n`);
    return ExitCode.Ok;
  },
};
