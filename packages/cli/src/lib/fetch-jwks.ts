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
 * GETs a JWKS URL the way a jwks-kit verifier does: no redirects followed, a time limit, a size
 * cap, JSON only. Throws {@link CliError} `ERR_CLI_UNREACHABLE` (no answer) or `ERR_CLI_BAD_JWKS`
 * (an answer that is not a JSON document).
 */
export async function fetchJwks(url: URL, options: FetchJwksOptions): Promise<FetchedJwks> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error);
    throw new CliError('ERR_CLI_UNREACHABLE', `cannot reach ${url.href}: ${reason}`, { cause: error });
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new CliError(
      'ERR_CLI_BAD_JWKS',
      `${url.href} answered ${response.status} redirecting to ${response.headers.get('location') ?? '(no location)'}: verifiers follow no redirects, configure the final URL`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new CliError('ERR_CLI_BAD_JWKS', `${url.href} answered HTTP ${response.status}, expected 200 with a JWK Set`);
  }
  let raw: Buffer;
  try {
    raw = await readCapped(response, options.maxBytes);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = signal.aborted ? `body not received within ${options.timeoutMs} ms` : describeNetworkError(error);
    throw new CliError('ERR_CLI_UNREACHABLE', `cannot read the answer of ${url.href}: ${reason}`, { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const type = response.headers.get('content-type') ?? '(no content-type)';
    const html = /^\s*</.test(raw.toString('utf8', 0, 64)) ? ', a page that looks like HTML' : '';
    throw new CliError(
      'ERR_CLI_BAD_JWKS',
      `${url.href} did not answer with JSON: it sent ${type}${html} (is this the JWKS URL, not a web page or a login redirect?)`,
      { cause: error },
    );
  }
  const header = (name: string) => response.headers.get(name) ?? undefined;
  return {
    status: response.status,
    contentType: header('content-type'),
    cacheControl: header('cache-control'),
    etag: header('etag'),
    body,
    bytes: raw.length,
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new CliError('ERR_CLI_BAD_JWKS', `the JWKS is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
