import type { RequestHandler } from 'express';
import { presentedRefreshToken } from './lib/presented-refresh-token.js';
import { sessionHttpConfig } from './lib/session-http-config.js';
import { failureOf, sendFailure } from './lib/session-http-failures.js';
import type { RefreshTokenService } from './refresh-token-service.js';
import { clearSessionCookies } from './session-cookies.js';
import type { SessionHandlerOptions } from './session-handler-options.js';

/**
 * Creates the `POST` logout endpoint: ends the family of the presented refresh token (cookie, or
 * `refresh_token` in the body), denylists the family's recent access tokens, clears both cookies
 * and answers 204, also when the token is unknown (logout is idempotent). Cookie requests pass the
 * same Origin / Sec-Fetch-Site check as refresh (else 403); an unreachable store answers 503 and
 * keeps the cookies so that the user can retry.
 */
export function createLogoutHandler(service: RefreshTokenService, options: SessionHandlerOptions): RequestHandler {
  if (!service || typeof service.logout !== 'function') throw new TypeError('service must be a RefreshTokenService');
  const config = sessionHttpConfig(options);
  return async function logoutHandler(req, res, next) {
    try {
      const presented = await presentedRefreshToken(req, config, false);
      if (presented.kind === 'failure') return sendFailure(res, presented.failure, config);
      if (presented.kind === 'cookie' || presented.kind === 'body') {
        try {
          await service.logout(presented.token);
        } catch (error) {
          const failure = failureOf(error);
          if (!failure) throw error;
          return sendFailure(res, failure, config);
        }
      }
      clearSessionCookies(res, { refreshPath: config.refreshPath, secure: config.secure(req) });
      res.set('Cache-Control', 'no-store').status(204).end();
    } catch (error) {
      next(error);
    }
  };
}
