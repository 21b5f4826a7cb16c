import { fetchJwks as fetchJwksDocument, isJwksFetchError, parseJwksJson } from '@jwks-kit/core';
import { CliError } from './cli-error.js';

/** What came back from a JWKS URL. */
export interface FetchedJwks {
  readonly status: number;
  readonly contentType?: string;
  readonly cacheControl?: string;
  readonly etag?: string;
  readonly body: unknown;
  readonly bytes: number;
}

/** Options of {@link fetchJwks}. */
export type FetchJwksOptions = Readonly<{
  /** Whole request, headers and body. */
  timeoutMs: number;
  /** Largest accepted body. */
  maxBytes: number;
}>;

/**
 * GETs a JWKS URL with the verifiers' own fetch (`fetchJwks` of `@jwks-kit/core`: no redirects, a time
 * limit, a size cap) and parses it as JSON. Throws {@link CliError} `ERR_CLI_UNREACHABLE` (no answer in
 * time, no connection) or `ERR_CLI_BAD_JWKS` (a redirect, an HTTP error, too large, not JSON: the
 * message names the content type), with the core error as `cause`.
 */
export async function fetchJwks(url: URL, options: FetchJwksOptions): Promise<FetchedJwks> {
  try {
    const answer = await fetchJwksDocument(url, { timeoutMs: options.timeoutMs, maxResponseBytes: options.maxBytes });
    if (answer.status !== 200) throw new CliError('ERR_CLI_BAD_JWKS', `${url.href} answered ${answer.status}`);
    const body = parseJwksJson(url, answer);
    const header = (name: string) => answer.headers.get(name) ?? undefined;
    return {
      status: answer.status,
      contentType: header('content-type'),
      cacheControl: header('cache-control'),
      etag: header('etag'),
      body,
      bytes: answer.body.byteLength,
    };
  } catch (error) {
    if (!isJwksFetchError(error)) throw error;
    throw new CliError(cliCodeOfJwksError(error.code), error.message, { cause: error });
  }
}

/** The CLI's code (and so exit code) for a JWKS fetch or key-set error code: no answer is unreachable, any answer a bad JWKS. */
export function cliCodeOfJwksError(code: string): 'ERR_CLI_UNREACHABLE' | 'ERR_CLI_BAD_JWKS' {
  return code === 'ERR_JWKS_NETWORK' || code === 'ERR_JWKS_TIMEOUT' ? 'ERR_CLI_UNREACHABLE' : 'ERR_CLI_BAD_JWKS';
}
