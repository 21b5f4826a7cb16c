import type { RequestHandler } from 'express';
import { HttpError } from '../../shared/src/http-error.js';

/**
 * CSRF guard for the endpoints that set or clear cookies (/login, /refresh, /logout): a browser
 * request must come from an allow-listed origin (`Origin`), or at least not be cross-site
 * (`Sec-Fetch-Site`). Requests without either header are not from a browser and pass.
 */
export function requireSameOrigin(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return function sameOrigin(req, _res, next) {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if ((origin !== undefined && !allowed.has(origin)) || site === 'cross-site') {
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
