import type { CommandSpec } from '../lib/command.js';
import { decodeToken } from '../lib/decode-token.js';
import { describeToken } from '../lib/describe-token.js';
import { ExitCode } from '../lib/exit-codes.js';
import { formatInspectReport } from '../lib/format-inspect-report.js';
import type { InspectReport } from '../lib/format-inspect-report.js';
import { flagOption } from '../lib/options.js';
import { readToken } from '../lib/read-token.js';

/** `jwks-kit inspect [-|TOKEN]`: decodes a token; verifies it with `--jwks`. */
export const inspectCommand: CommandSpec = {
  name: 'inspect',
  summary: 'decode a token (header, claims, times, size); verify it with --jwks',
  usage: 'inspect [-] [--jwks URL|FILE --issuer ISS --audience AUD] [--json]',
  maxPositionals: 1,
  options: {
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
    const token = await readToken(context.io, { argument: input.positionals[0], allowArgv: flagOption(input, 'allow-argv') });
    const decoded = decodeToken(token);
    const description = describeToken(decoded, context.now());
    const report: InspectReport = { verified: false, ...decoded, ...description };
    if (context.json) context.printJson(report);
    else context.print(formatInspectReport(report));
    return ExitCode.Ok;
  },
};
