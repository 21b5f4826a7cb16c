import { SESSION_COOKIE_NAMES } from '@jwks-kit/core';
import type { Request, Response } from 'express';

/** The cookie names for a secure (https or localhost) or a plain-http site. */
export type SessionCookieNames = Readonly<{ access: string; refresh: string }>;

/**
 * `__Host-access_token` / `__Secure-refresh_token` when `secure`, else `access_token` /
 * `refresh_token` (the names of `SESSION_COOKIE_NAMES` in `@jwks-kit/core`, which resource services read).
 * The refresh cookie cannot be `__Host-` because its Path is the refresh route.
 */
export function sessionCookieNames(secure: boolean): SessionCookieNames {
  return secure ? SESSION_COOKIE_NAMES.secure : SESSION_COOKIE_NAMES.plain;
}

/**
 * True when the request came over https (`req.secure`, honouring Express's `trust proxy`) or to
 * localhost. Chrome and Firefox accept `Secure` cookies from http://localhost; Safari does not,
 * so pass `secure: false` when developing with Safari over plain http.
 */
export function isSecureRequest(req: Request): boolean {
  if (req.secure) return true;
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** What {@link setSessionCookies} writes. */
export type SetSessionCookiesOptions = Readonly<{
  accessToken: string;
  /** Max-Age of the access cookie: the token's remaining lifetime. */
  accessTokenMaxAgeSeconds: number;
  refreshToken: string;
  /** Max-Age of the refresh cookie; omitted: a browser-session cookie. */
  refreshTokenMaxAgeSeconds?: number;
  /** Path of the refresh cookie: the route prefix under which the refresh and logout handlers are mounted. */
  refreshPath: string;
  /** Secure attribute and prefixed names (see {@link sessionCookieNames}). */
  secure: boolean;
}>;

function checkPath(refreshPath: string): void {
  if (typeof refreshPath !== 'string' || !refreshPath.startsWith('/') || /[;\s,]/.test(refreshPath)) {
    throw new TypeError('option `refreshPath` must be a URL path starting with / (no ; , or spaces)');
  }
}

/**
 * Sets the session cookies: the access token httpOnly, SameSite=Lax, Path=/, Max-Age its lifetime;
 * the refresh token httpOnly, SameSite=Strict, Path the refresh route; both Secure when `secure`.
 */
export function setSessionCookies(res: Response, options: SetSessionCookiesOptions): void {
  checkPath(options.refreshPath);
  const names = sessionCookieNames(options.secure);
  res.cookie(names.access, options.accessToken, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: Math.max(0, Math.floor(options.accessTokenMaxAgeSeconds)) * 1000,
  });
  res.cookie(names.refresh, options.refreshToken, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'strict',
    path: options.refreshPath,
    ...(options.refreshTokenMaxAgeSeconds === undefined
      ? {}
      : { maxAge: Math.max(0, Math.floor(options.refreshTokenMaxAgeSeconds)) * 1000 }),
  });
}

/** Expires both session cookies (same names, paths and attributes as {@link setSessionCookies}). */
export function clearSessionCookies(res: Response, options: Readonly<{ refreshPath: string; secure: boolean }>): void {
  checkPath(options.refreshPath);
  const names = sessionCookieNames(options.secure);
  res.clearCookie(names.access, { httpOnly: true, secure: options.secure, sameSite: 'lax', path: '/' });
  res.clearCookie(names.refresh, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'strict',
    path: options.refreshPath,
  });
}
