import { isAllowedOrigin, parseAllowedOriginsOption } from '@jwks-kit/core';
import type { RequestHandler } from 'express';
import { HttpError } from '../../shared/src/http-error.js';

/**
 * CSRF guard for the endpoints that set, use or clear cookies (/login, /refresh, /logout, admin):
 * the origin rule of `@jwks-kit/core` (a present Origin decides and must be configured; Sec-Fetch-Site
 * counts only without Origin; neither → refused) applies to every request that carries cookies or
 * comes from a browser. A request with no Cookie, Origin or Sec-Fetch-Site header is a script's and has
 * no ambient credential to abuse (a login with credentials in the body), so it passes.
 */
export function requireSameOrigin(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = parseAllowedOriginsOption(allowedOrigins);
  return function sameOrigin(req, _res, next) {
    const { cookie, origin } = req.headers;
    const fromScript = cookie === undefined && origin === undefined && req.headers['sec-fetch-site'] === undefined;
    if (!fromScript && !isAllowedOrigin(req, allowed)) {
      next(
        new HttpError(403, {
          error: 'access_denied',
          code: 'origin_not_allowed',
          description: 'Cross-origin request refused.',
        }),
      );
      return;
    }
    next();
  };
}
