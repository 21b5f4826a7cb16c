/** The names of the session cookies: the access token (read by every resource service) and the refresh token. */
export interface SessionCookieNames {
  readonly access: string;
  readonly refresh: string;
}

/**
 * The kit's session cookie names, one home for the issuer that sets them and the services that read them:
 * `secure` (https or localhost) `__Host-access_token` / `__Secure-refresh_token`, `plain` (plain http)
 * `access_token` / `refresh_token`. The refresh cookie cannot be `__Host-` because its Path is the refresh route.
 */
export const SESSION_COOKIE_NAMES: Readonly<{ secure: SessionCookieNames; plain: SessionCookieNames }> = Object.freeze({
  secure: Object.freeze({ access: '__Host-access_token', refresh: '__Secure-refresh_token' }),
  plain: Object.freeze({ access: 'access_token', refresh: 'refresh_token' }),
});
