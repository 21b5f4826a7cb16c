import type { Request } from 'express';
import { OAuthEndpointError } from './oauth-endpoint-error.js';
import { readBody } from './read-body.js';

/** The `token` and `token_type_hint` of a revocation or introspection request (form body). */
export type TokenRequest = Readonly<{ token: string; hint: 'access_token' | 'refresh_token' | undefined }>;

/** Reads the request; rejects with 400 `invalid_request` when `token` is missing or the body unreadable. */
export async function readTokenRequest(req: Request, maxBodyBytes: number): Promise<TokenRequest> {
  const body = await readBody(req, maxBodyBytes);
  const token = body?.token;
  if (typeof token !== 'string' || token === '' || token.length > maxBodyBytes) {
    throw new OAuthEndpointError(400, 'invalid_request', 'The request must carry a token parameter.');
  }
  const hint = body?.token_type_hint;
  return { token, hint: hint === 'access_token' || hint === 'refresh_token' ? hint : undefined };
}

/** Which kind to try first: the hint, else a JWT shape means an access token (RFC 7009 §2.1: the hint is only a hint). */
export function lookupOrder({ token, hint }: TokenRequest): readonly ('access_token' | 'refresh_token')[] {
  const first = hint ?? (token.split('.').length === 3 ? 'access_token' : 'refresh_token');
  return first === 'access_token' ? ['access_token', 'refresh_token'] : ['refresh_token', 'access_token'];
}
