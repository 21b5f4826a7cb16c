import { Router, type RequestHandler } from 'express';
import { sessionCookieNames, type RefreshTokenService } from '@jwks-kit/issuer/sessions';
import { HttpError } from '../../shared/src/http-error.js';

/** What {@link createReplayDemoRouter} needs from the auth app. */
export type ReplayDemoDeps = Readonly<{
  /** Where the router is mounted, under the refresh cookie's path so that the browser sends that cookie. */
  mountPath: string;
  /** The app's refresh endpoint handler. */
  refresh: RequestHandler;
  /** The app's Origin / Sec-Fetch-Site guard. */
  sameOrigin: RequestHandler;
  /** The app's refresh-token service (to refuse replaying a copy that is still the live token). */
  sessions: Pick<RefreshTokenService, 'describe'>;
}>;

/** The copy lives as long as a demo takes. */
const COPY_MAX_AGE_MS = 10 * 60_000;
const REFRESH_COOKIE = sessionCookieNames(true).refresh;
/** httpOnly like the original: the page's JavaScript never sees the copy either. */
export const COPIED_REFRESH_COOKIE = '__Secure-demo_copied_refresh_token';

/**
 * Demo-only routes (the page's "replay an old refresh token" step), off unless `DEMO_TOUR=1`:
 * `POST <mount>/copy` keeps a copy of the browser's current refresh cookie in a second httpOnly
 * cookie, as a thief who copied it would; `POST <mount>/replay` presents that copy, alone, to the
 * ordinary refresh endpoint. After the page has rotated its token, the replay is a reuse: the auth
 * service ends every session of the user. Both routes pass the same Origin guard as the others; a
 * copy that is still a live token (not rotated since, or planted by someone else) is refused with 409,
 * so the replay can only end a session, never hand the browser one.
 */
export function createReplayDemoRouter(deps: ReplayDemoDeps): Router {
  const cookie = { httpOnly: true, secure: true, sameSite: 'strict', path: deps.mountPath } as const;
  const router = Router();
  router.post('/copy', deps.sameOrigin, (req, res, next) => {
    const live = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
    if (typeof live !== 'string' || live === '') {
      next(
        new HttpError(401, {
          error: 'invalid_grant',
          code: 'refresh_token_missing',
          description: 'No refresh cookie to copy.',
        }),
      );
      return;
    }
    res.cookie(COPIED_REFRESH_COOKIE, live, { ...cookie, maxAge: COPY_MAX_AGE_MS });
    res.set('Cache-Control', 'no-store').status(204).end();
  });
  router.post('/replay', deps.sameOrigin, async (req, res, next) => {
    try {
      const copy = (req.cookies as Record<string, unknown> | undefined)?.[COPIED_REFRESH_COOKIE];
      if (typeof copy !== 'string' || copy === '') {
        throw new HttpError(400, {
          error: 'invalid_request',
          code: 'no_copied_refresh_token',
          description: 'Copy the refresh cookie first.',
        });
      }
      if (await deps.sessions.describe(copy)) {
        throw new HttpError(409, {
          error: 'invalid_request',
          code: 'copy_still_live',
          description: 'The copy is still the live refresh token: refresh first, then replay the copy.',
        });
      }
      res.clearCookie(COPIED_REFRESH_COOKIE, cookie);
      // The thief's request carries the copied token as its refresh cookie and nothing else.
      req.headers.cookie = `${REFRESH_COOKIE}=${encodeURIComponent(copy)}`;
      deps.refresh(req, res, next);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
