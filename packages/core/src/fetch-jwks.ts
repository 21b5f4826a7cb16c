/** Every code a {@link JwksFetchError} can carry (the verifier's `KeySetError` codes of the same names). */
export type JwksFetchErrorCode =
  /** No complete answer (headers and body) within `timeoutMs`. */
  | 'ERR_JWKS_TIMEOUT'
  /** The request failed before an HTTP answer arrived (connection refused, reset, DNS). */
  | 'ERR_JWKS_NETWORK'
  /** A status other than 200 (or 304 to a revalidation). */
  | 'ERR_JWKS_HTTP_STATUS'
  /** A redirect: never followed. */
  | 'ERR_JWKS_REDIRECT'
  /** A body above `maxResponseBytes`, declared or streamed. */
  | 'ERR_JWKS_TOO_LARGE'
  /** A 200 answer whose body is not UTF-8 JSON (the message names the content type, and says when it looks like HTML). */
  | 'ERR_JWKS_INVALID';

/** Marks every JwksFetchError, from any copy of @jwks-kit/core (ESM and CommonJS builds): see {@link isJwksFetchError}. */
const JWKS_FETCH_ERROR_BRAND = Symbol.for('@jwks-kit/core:JwksFetchError');

/** Why {@link fetchJwks} or {@link parseJwksJson} failed: a stable `code`, the fetch or JSON error as `cause`. */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
  static {
    Object.defineProperty(this.prototype, JWKS_FETCH_ERROR_BRAND, { value: true });
  }
  readonly code: JwksFetchErrorCode;

  constructor(code: JwksFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a {@link JwksFetchError}, also one thrown by another copy of @jwks-kit/core, where `instanceof` is false. */
export function isJwksFetchError(value: unknown): value is JwksFetchError {
  return typeof value === 'object' && value !== null && JWKS_FETCH_ERROR_BRAND in value;
}

/** Limits of one {@link fetchJwks}. */
export type FetchJwksOptions = Readonly<{
  /** One time limit for headers and body together. */
  timeoutMs: number;
  /** Largest accepted body, checked on `Content-Length` and while streaming. */
  maxResponseBytes: number;
  /** `Accept` header. @default 'application/jwk-set+json, application/json' */
  accept?: string;
  /** Sent as `If-None-Match`; only then is a 304 answer accepted. */
  etag?: string | undefined;
}>;

/** A 200 answer with its body, or a 304 answer to a revalidation. */
export type FetchJwksResult =
  | { readonly status: 200; readonly headers: Headers; readonly body: Uint8Array }
  | { readonly status: 304; readonly headers: Headers };

const DEFAULT_ACCEPT = 'application/jwk-set+json, application/json';

/**
 * GETs a JWKS (or discovery document) the one way every jwks-kit path does: Node's fetch, no redirects
 * followed (any 3xx but an expected 304 is `ERR_JWKS_REDIRECT`, naming the `Location`), one timeout over
 * headers and body, and a byte cap enforced on `Content-Length` and while streaming (the download is
 * cancelled past it). Throws {@link JwksFetchError}.
 */
export async function fetchJwks(url: URL, options: FetchJwksOptions): Promise<FetchJwksResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  timer.unref();
  try {
    const headers: Record<string, string> = { accept: options.accept ?? DEFAULT_ACCEPT };
    if (options.etag !== undefined) headers['if-none-match'] = options.etag;
    const response = await fetch(url, { redirect: 'manual', signal: controller.signal, headers });
    const { status } = response;
    if (status === 304 && options.etag !== undefined) {
      await discard(response);
      return { status: 304, headers: response.headers };
    }
    if (status >= 300 && status < 400 && status !== 304) {
      await discard(response);
      const location = response.headers.get('location') ?? '(no location)';
      throw new JwksFetchError(
        'ERR_JWKS_REDIRECT',
        `${url.href} answered ${status} redirecting to ${location}: redirects are not followed, configure the final URL`,
      );
    }
    if (status !== 200) {
      await discard(response);
      throw new JwksFetchError('ERR_JWKS_HTTP_STATUS', `${url.href} answered with status ${status}, expected 200`);
    }
    const body = await readCapped(response, options.maxResponseBytes, url);
    return { status: 200, headers: response.headers, body };
  } catch (cause) {
    if (isJwksFetchError(cause)) throw cause;
    if (timedOut)
      throw new JwksFetchError('ERR_JWKS_TIMEOUT', `${url.href} did not answer within ${options.timeoutMs} ms`, {
        cause,
      });
    throw new JwksFetchError('ERR_JWKS_NETWORK', `cannot reach ${url.href}: ${networkReason(cause)}`, { cause });
  } finally {
    clearTimeout(timer);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses the body of a 200 answer of {@link fetchJwks} as UTF-8 JSON. Anything else is `ERR_JWKS_INVALID`
 * with a message naming the content type, and saying when the body looks like HTML (a web page or a
 * login redirect served in place of the JWKS).
 */
export function parseJwksJson(url: URL, answer: { readonly headers: Headers; readonly body: Uint8Array }): unknown {
  try {
    return JSON.parse(decoder.decode(answer.body));
  } catch (cause) {
    const type = answer.headers.get('content-type') ?? '(no content-type)';
    const start = new TextDecoder().decode(answer.body.subarray(0, 64));
    const html = /^\s*</.test(start) ? ', a page that looks like HTML' : '';
    throw new JwksFetchError(
      'ERR_JWKS_INVALID',
      `${url.href} did not answer with JSON: it sent ${type}${html} (is this the right URL, not a web page or a login redirect?)`,
      { cause },
    );
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

async function readCapped(response: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const tooLarge = () =>
    new JwksFetchError('ERR_JWKS_TOO_LARGE', `${url.href} answered with more than ${maxBytes} bytes`);
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await discard(response);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
