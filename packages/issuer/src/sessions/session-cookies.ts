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
 * Max-Age is rounded up to whole seconds: a cookie never leaves the browser before its token's deadline (the
 * server refuses the token after it), so a refresh or logout sent just before a deadline still carries it.
 */
export function setSessionCookies(res: Response, options: SetSessionCookiesOptions): void {
  checkPath(options.refreshPath);
  const names = sessionCookieNames(options.secure);
  res.cookie(names.access, options.accessToken, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: maxAgeMs(options.accessTokenMaxAgeSeconds),
  });
  res.cookie(names.refresh, options.refreshToken, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'strict',
    path: options.refreshPath,
    ...(options.refreshTokenMaxAgeSeconds === undefined ? {} : { maxAge: maxAgeMs(options.refreshTokenMaxAgeSeconds) }),
  });
}

/** Whole seconds, rounded up, as the milliseconds Express's `maxAge` takes. */
function maxAgeMs(seconds: number): number {
  return Math.max(0, Math.ceil(seconds)) * 1000;
}

/** Where the session cookies live: the refresh route's path, and whether they are `Secure` (prefixed names). */
export type SessionCookiePlace = Readonly<{ refreshPath: string; secure: boolean }>;

/** Expires both session cookies (same names, paths and attributes as {@link setSessionCookies}). */
export function clearSessionCookies(res: Response, options: SessionCookiePlace): void {
  clearRefreshCookie(res, options);
  res.clearCookie(sessionCookieNames(options.secure).access, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
  });
}

/** Expires the refresh cookie only (same name, path and attributes as {@link setSessionCookies}). */
export function clearRefreshCookie(res: Response, options: SessionCookiePlace): void {
  checkPath(options.refreshPath);
  res.clearCookie(sessionCookieNames(options.secure).refresh, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'strict',
    path: options.refreshPath,
  });
}
