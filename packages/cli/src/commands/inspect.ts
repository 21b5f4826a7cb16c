import type { CommandSpec } from '../lib/command.js';
import { decodeToken } from '../lib/decode-token.js';
import { describeToken } from '../lib/describe-token.js';
import { ExitCode } from '../lib/exit-codes.js';
import { formatInspectReport } from '../lib/format-inspect-report.js';
import type { InspectReport } from '../lib/format-inspect-report.js';
import { CliError } from '../lib/cli-error.js';
import { parseDurationSeconds } from '../lib/format-time.js';
import { flagOption, stringOption } from '../lib/options.js';
import { verifyToken } from '../lib/verify-token.js';
import { readToken } from '../lib/read-token.js';

/** `jwks-kit inspect [-|TOKEN]`: decodes a token; verifies it with `--jwks`. */
export const inspectCommand: CommandSpec = {
  name: 'inspect',
  summary: 'decode a token (header, claims, times, size); verify it with --jwks',
  usage: 'inspect [-] [--jwks URL|FILE --issuer ISS --audience AUD] [--json]',
  maxPositionals: 1,
  options: {
    jwks: {
      type: 'string',
      valueName: 'URL|FILE',
      description: 'verify against this JWKS URL or JWK Set file (same checks and codes as the verifier)',
    },
    issuer: {
      type: 'string',
      valueName: 'ISS',
      description: "expected iss with --jwks (default: the token's own, not checked)",
    },
    audience: {
      type: 'string',
      valueName: 'AUD',
      description: "expected aud with --jwks (default: the token's own, not checked)",
    },
    timeout: { type: 'string', valueName: 'DURATION', description: 'time limit of the JWKS fetch (default 5s)' },
    'allow-argv': { type: 'boolean', description: 'accept the token as an argument (it stays in your shell history)' },
  },
  details: `The token is read from standard input: \`-\` (or a pipe) is the safe way, e.g.
  pbpaste | jwks-kit inspect -
  jwks-kit inspect - < token.txt
A token given as an argument is refused unless --allow-argv: it would stay in the shell history
and be visible to other users in the process list. A "Bearer " prefix is ignored.

Without --jwks the output starts with an UNVERIFIED banner: decoding is not verification, anyone
can write any claims. Exit codes: 0 decoded (and verified, with --jwks), 1 malformed or invalid
token, 2 usage error or token refused from argv, 3 JWKS unreachable or unreadable.`,
  async run(input, context) {
    const token = await readToken(context.io, {
      argument: input.positionals[0],
      allowArgv: flagOption(input, 'allow-argv'),
    });
    const decoded = decodeToken(token);
    const description = describeToken(decoded, context.now());
    const jwks = stringOption(input, 'jwks');
    const issuer = stringOption(input, 'issuer');
    const audience = stringOption(input, 'audience');
    if (jwks === undefined && (issuer !== undefined || audience !== undefined))
      throw new CliError('ERR_CLI_USAGE', '--issuer and --audience need --jwks');
    const timeoutText = stringOption(input, 'timeout', '5s');
    const timeoutSeconds = parseDurationSeconds(timeoutText);
    if (!timeoutSeconds)
      throw new CliError('ERR_CLI_USAGE', `--timeout takes a duration such as 5s, got "${timeoutText}"`);
    const verification =
      jwks === undefined
        ? undefined
        : await verifyToken(token, decoded, {
            jwks,
            timeoutMs: timeoutSeconds * 1000,
            now: context.now,
            ...(issuer === undefined ? {} : { issuer }),
            ...(audience === undefined ? {} : { audience }),
          });
    const report: InspectReport = {
      verified: verification?.valid === true,
      ...(verification ? { verification } : {}),
      ...decoded,
      ...description,
    };
    if (context.json) context.printJson(report);
    else context.print(formatInspectReport(report));
    return verification && !verification.valid ? ExitCode.Failure : ExitCode.Ok;
  },
};
