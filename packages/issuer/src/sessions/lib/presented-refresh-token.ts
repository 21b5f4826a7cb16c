import { isAllowedOrigin, readCookie } from '@jwks-kit/core';
import type { Request } from 'express';
import { sessionCookieNames } from '../session-cookies.js';
import { readBody } from '../../lib/read-body.js';
import { REQUEST_FAILURES, type SessionHttpFailure } from './session-http-failures.js';
import type { SessionHttpConfig } from './session-http-config.js';

/** Where the request's refresh token is, and whether the browser cookies are involved. */
export type PresentedRefreshToken =
  | { readonly kind: 'cookie'; readonly token: string }
  | { readonly kind: 'body'; readonly token: string }
  | { readonly kind: 'none'; readonly hasCookies: boolean }
  | { readonly kind: 'failure'; readonly failure: SessionHttpFailure };

/** Finds the refresh token in the cookie or the body field `refresh_token`, applying the CSRF check to cookie requests. */
export async function presentedRefreshToken(
  req: Request,
  config: SessionHttpConfig,
  checkGrantType: boolean,
): Promise<PresentedRefreshToken> {
  const names = sessionCookieNames(config.secure(req));
  const refreshCookie = readCookie(req.headers.cookie, names.refresh);
  const accessCookie = readCookie(req.headers.cookie, names.access);
  const hasCookies = refreshCookie.kind !== 'absent' || accessCookie.kind !== 'absent';
  if (hasCookies && !isAllowedOrigin(req, config.allowedOrigins))
    return { kind: 'failure', failure: REQUEST_FAILURES.crossSite };
  if (refreshCookie.kind === 'repeated' || accessCookie.kind === 'repeated')
    return { kind: 'failure', failure: REQUEST_FAILURES.repeatedCookie };
  const cookie = refreshCookie.kind === 'value' ? refreshCookie.value : undefined;
  const body = await readBody(req, config.maxBodyBytes);
  if (!body) return { kind: 'failure', failure: REQUEST_FAILURES.badBody };
  if (checkGrantType && body.grant_type !== undefined && body.grant_type !== 'refresh_token')
    return { kind: 'failure', failure: REQUEST_FAILURES.grantType };
  const field = body.refresh_token;
  if (field !== undefined && typeof field !== 'string') return { kind: 'failure', failure: REQUEST_FAILURES.badBody };
  if (cookie !== undefined && field !== undefined) return { kind: 'failure', failure: REQUEST_FAILURES.twoTokens };
  if (cookie !== undefined && cookie !== '') return { kind: 'cookie', token: cookie };
  if (field !== undefined && field !== '') return { kind: 'body', token: field };
  return { kind: 'none', hasCookies };
}
