import {
  fetchJwks,
  isJwksFetchError,
  parseJwksJson,
  type FetchJwksOptions,
  type FetchJwksResult,
} from '@jwks-kit/core';
import { KeySetError } from '../key-set-error.js';

/**
 * `fetchJwks` of `@jwks-kit/core` (no redirects, one timeout, byte cap) with its errors as
 * {@link KeySetError} of the same code (`ERR_JWKS_TIMEOUT`, `ERR_JWKS_NETWORK`, `ERR_JWKS_HTTP_STATUS`,
 * `ERR_JWKS_REDIRECT`, `ERR_JWKS_TOO_LARGE`), the core error as `cause`.
 */
export async function jwksFetch(url: URL, options: FetchJwksOptions): Promise<FetchJwksResult> {
  try {
    return await fetchJwks(url, options);
  } catch (error) {
    throw asKeySetError(error);
  }
}

/** `parseJwksJson` of `@jwks-kit/core` (the message names the content type) with a `KeySetError` `ERR_JWKS_INVALID`. */
export function jwksJson(url: URL, answer: { readonly headers: Headers; readonly body: Uint8Array }): unknown {
  try {
    return parseJwksJson(url, answer);
  } catch (error) {
    throw asKeySetError(error);
  }
}

function asKeySetError(error: unknown): unknown {
  return isJwksFetchError(error) ? new KeySetError(error.code, error.message, { cause: error }) : error;
}
