import type { Response } from 'express';
import type { RefreshTokenGrant } from './refresh-token-service.js';
import { setSessionCookies } from './session-cookies.js';

/** How {@link sendSessionGrant} answers. */
export type SendSessionGrantOptions = Readonly<{
  /** `cookie`: session cookies and `{ token_type, expires_in }`; `json`: the OAuth 2.0 token response (RFC 6749 §5.1). */
  mode: 'cookie' | 'json';
  /** Path of the refresh cookie (cookie mode). */
  refreshPath: string;
  /** Secure cookies (cookie mode). */
  secure: boolean;
  /** Milliseconds since the epoch, for expires_in and Max-Age. */
  nowMs: number;
}>;

/**
 * Answers a login or refresh with `Cache-Control: no-store`: in cookie mode the tokens go only into
 * httpOnly cookies; in JSON mode the body is `{ access_token, token_type, expires_in, refresh_token }`, where
 * `token_type` is `DPoP` for a DPoP-bound grant (RFC 9449 §5) and `Bearer` otherwise.
 */
export function sendSessionGrant(res: Response, grant: RefreshTokenGrant, options: SendSessionGrantOptions): void {
  const expiresIn = Math.max(0, grant.accessTokenExp - Math.floor(options.nowMs / 1000));
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  if (options.mode === 'json') {
    res.status(200).json({
      access_token: grant.accessToken,
      token_type: grant.tokenType,
      expires_in: expiresIn,
      refresh_token: grant.refreshToken,
    });
    return;
  }
  setSessionCookies(res, {
    accessToken: grant.accessToken,
    accessTokenMaxAgeSeconds: expiresIn,
    refreshToken: grant.refreshToken,
    refreshTokenMaxAgeSeconds: (grant.refreshTokenExpiresAtMs - options.nowMs) / 1000,
    refreshPath: options.refreshPath,
    secure: options.secure,
  });
  res.status(200).json({ token_type: grant.tokenType, expires_in: expiresIn });
}
