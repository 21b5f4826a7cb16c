import { KeySetError } from '../key-set-error.js';

/** Limits and validators of one {@link jwksFetch}. */
export interface JwksFetchOptions {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** `Accept` header value. */
  readonly accept: string;
  /** Sent as `If-None-Match`; only then is a 304 answer accepted. */
  readonly etag?: string | undefined;
}

/** A 200 answer with its body, or a 304 answer to a revalidation. */
export type JwksFetchResult =
  | { readonly status: 200; readonly headers: Headers; readonly body: Uint8Array }
  | { readonly status: 304; readonly headers: Headers };

/**
 * GETs `url` with node's fetch under the key cache's limits: no redirects (any 3xx but an expected 304
 * is an error), one timeout covering headers and body, and a byte cap enforced while streaming
 * (the download is cancelled past the cap). Throws {@link KeySetError}.
 */
export async function jwksFetch(url: URL, options: JwksFetchOptions): Promise<JwksFetchResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  timer.unref();
  const failed = (cause: unknown): KeySetError =>
    cause instanceof KeySetError
      ? cause
      : timedOut
        ? new KeySetError('ERR_JWKS_TIMEOUT', `${url.href} did not answer within ${options.timeoutMs} ms`, { cause })
        : new KeySetError('ERR_JWKS_NETWORK', `request to ${url.href} failed`, { cause });
  try {
    const headers: Record<string, string> = { accept: options.accept };
    if (options.etag !== undefined) headers['if-none-match'] = options.etag;
    const response = await fetch(url, { redirect: 'manual', signal: controller.signal, headers });
    const { status } = response;
    if (status === 304 && options.etag !== undefined) {
      await discard(response);
      return { status: 304, headers: response.headers };
    }
    if (status >= 300 && status < 400 && status !== 304) {
      await discard(response);
      throw new KeySetError(
        'ERR_JWKS_REDIRECT',
        `${url.href} answered with a redirect (${status}); redirects are not followed`,
      );
    }
    if (status !== 200) {
      await discard(response);
      throw new KeySetError('ERR_JWKS_HTTP_STATUS', `${url.href} answered with status ${status}`);
    }
    const body = await readCapped(response, options.maxResponseBytes, url);
    return { status: 200, headers: response.headers, body };
  } catch (cause) {
    throw failed(cause);
  } finally {
    clearTimeout(timer);
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

async function readCapped(response: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const tooLarge = () => new KeySetError('ERR_JWKS_TOO_LARGE', `${url.href} answered with more than ${maxBytes} bytes`);
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
