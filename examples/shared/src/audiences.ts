import { SESSION_COOKIE_NAMES } from '@jwks-kit/core';

/**
 * The `aud` values of the demo: each service accepts only tokens naming it. The auth service puts all
 * three into a browser session's tokens, so one login works for the whole demo; a real deployment
 * would mint narrower tokens per client.
 */
export const AUDIENCES = {
  auth: 'urn:jwks-kit-demo:auth',
  orders: 'urn:jwks-kit-demo:orders',
  profile: 'urn:jwks-kit-demo:profile',
} as const;

/** Name of the httpOnly cookie that carries the access token (set by the auth service, read by every service). */
export const ACCESS_COOKIE = SESSION_COOKIE_NAMES.secure.access;

/** Claims RFC 9068 §2.2 requires in a JWT access token besides iss, aud and exp (which are always checked). */
export const RFC9068_REQUIRED_CLAIMS = ['sub', 'client_id', 'iat', 'jti'] as const;
