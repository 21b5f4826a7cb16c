import { toPublicJwk } from '@jwks-kit/issuer';
import { CliError } from '../lib/cli-error.js';
import type { CommandContext, CommandInput, CommandSpec } from '../lib/command.js';
import { ExitCode } from '../lib/exit-codes.js';
import { fetchJwks } from '../lib/fetch-jwks.js';
import type { FetchedJwks } from '../lib/fetch-jwks.js';
import { formatTable } from '../lib/format-table.js';
import { parseDurationSeconds } from '../lib/format-time.js';
import { dirOption, readStoredKeys } from '../lib/key-directory.js';
import { stringOption } from '../lib/options.js';
import { validateJwks } from '../lib/validate-jwks.js';
import type { JwksProblem } from '../lib/validate-jwks.js';

/** Largest JWKS accepted from a URL (a verifier caps it too). */
const maxJwksBytes = 1024 * 1024;

/** `jwks-kit jwks`: prints the public JWKS of a key store, or checks a remote JWKS. */
export const jwksCommand: CommandSpec = {
  name: 'jwks',
  summary: 'print the public JWKS of a key store (--dir), or fetch and check a remote one (--url)',
  usage: 'jwks [--dir DIR | --url URL [--timeout 5s]] [--json]',
  options: {
    dir: dirOption,
    url: { type: 'string', valueName: 'URL', description: "an issuer's JWKS URL to fetch and check" },
    timeout: { type: 'string', valueName: 'DURATION', description: 'time limit of the --url request (default 5s)' },
  },
  details: `--dir prints the JWK Set a verifier would see (public members, kid, alg, use of every published key).
--url is an operator's health check of an issuer: the JWKS is fetched like a verifier does (no
redirects, 5 s, 1 MiB) and every key is checked: public members only, unique kids, RSA of at
least 2048 bits, use "sig", alg RS256, kid = RFC 7638 thumbprint (warning), Cache-Control with
max-age (warning). Exit codes: 0 healthy (warnings allowed), 1 problems found, 2 usage error,
3 unreachable, not HTTP 200, redirected or not JSON.`,
  async run(input, context) {
    const url = stringOption(input, 'url');
    if (url !== undefined && input.values.dir !== undefined)
      throw new CliError('ERR_CLI_USAGE', 'give either --dir or --url, not both');
    if (url !== undefined) return checkRemote(url, input, context);
    const set = await readStoredKeys(input);
    const jwks = { keys: set.keys.map(toPublicJwk) };
    context.printJson(jwks);
    return ExitCode.Ok;
  },
};

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('ERR_CLI_USAGE', `--url is not a URL: "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError('ERR_CLI_USAGE', `--url must be an http(s) URL, got ${url.protocol}`);
  return url;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function httpProblems(url: URL, fetched: FetchedJwks): JwksProblem[] {
  const problems: JwksProblem[] = [];
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    problems.push({
      severity: 'error',
      message: 'plain http on a non-loopback host: verifiers refuse it, serve the JWKS over https',
    });
  }
  if (!/\bmax-age=\d+/.test(fetched.cacheControl ?? '')) {
    problems.push({
      severity: 'warning',
      message: 'no Cache-Control max-age: verifiers fall back to their own cache age',
    });
  }
  if (!/json/.test(fetched.contentType ?? '')) {
    problems.push({
      severity: 'warning',
      message: `content-type is ${fetched.contentType ?? '(none)'}, expected application/json or application/jwk-set+json`,
    });
  }
  return problems;
}

async function checkRemote(text: string, input: CommandInput, context: CommandContext): Promise<ExitCode> {
  const url = parseUrl(text);
  const timeoutText = stringOption(input, 'timeout', '5s');
  const timeoutSeconds = parseDurationSeconds(timeoutText);
  if (!timeoutSeconds)
    throw new CliError('ERR_CLI_USAGE', `--timeout takes a duration such as 5s, got "${timeoutText}"`);
  const fetched = await fetchJwks(url, { timeoutMs: timeoutSeconds * 1000, maxBytes: maxJwksBytes });
  const validation = await validateJwks(fetched.body);
  const problems = [...httpProblems(url, fetched), ...validation.problems];
  const ok = !problems.some((problem) => problem.severity === 'error');
  if (context.json) {
    context.printJson({
      url: url.href,
      ok,
      http: {
        status: fetched.status,
        contentType: fetched.contentType,
        cacheControl: fetched.cacheControl,
        etag: fetched.etag,
        bytes: fetched.bytes,
      },
      keys: validation.keys,
      problems,
    });
  } else {
    const rows = validation.keys.map((key) => [
      key.kid ?? `#${key.index} (no kid)`,
      key.kty ?? '-',
      key.alg ?? '-',
      key.use ?? '-',
      key.bits === undefined ? '-' : String(key.bits),
    ]);
    const lines = [
      `${ok ? 'OK' : 'PROBLEMS'}  ${url.href}  (HTTP ${fetched.status}, ${fetched.bytes} bytes, Cache-Control: ${fetched.cacheControl ?? 'none'})`,
      '',
      formatTable(rows, ['KID', 'KTY', 'ALG', 'USE', 'BITS']).trimEnd(),
    ];
    if (problems.length > 0) {
      lines.push(
        '',
        ...problems.map(
          (problem) =>
            `${problem.severity}: ${problem.kid ? `${problem.kid}: ` : problem.index === undefined ? '' : `key #${problem.index}: `}${problem.message}`,
        ),
      );
    }
    context.print(`${lines.join('\n')}\n`);
  }
  return ok ? ExitCode.Ok : ExitCode.Failure;
}
