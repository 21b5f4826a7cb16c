import type { RequestHandler } from 'express';
import { presentedRefreshToken } from './lib/presented-refresh-token.js';
import { sessionHttpConfig } from './lib/session-http-config.js';
import { failureOf, sendFailure } from './lib/session-http-failures.js';
import type { RefreshTokenService } from './refresh-token-service.js';
import { clearSessionCookies } from './session-cookies.js';
import { sendSessionGrant } from './session-grant-response.js';
import type { SessionHandlerOptions } from './session-handler-options.js';

/**
 * Creates the `POST` refresh endpoint. Browsers present the refresh cookie (same-origin or
 * allow-listed Origin, else 403) and get new cookies; other clients send `refresh_token` in a JSON
 * or form body and get the OAuth token response. Missing, malformed, unknown, expired or reused
 * tokens answer 401 `invalid_grant` with a distinct `code` (reuse: `refresh_token_reused`, after
 * the family and the user's access tokens were revoked); an unreachable store answers 503 with
 * Retry-After. Nothing is logged here; use the service's `onEvent` (family ids only).
 */
export function createRefreshHandler(service: RefreshTokenService, options: SessionHandlerOptions): RequestHandler {
  if (!service || typeof service.rotate !== 'function') throw new TypeError('service must be a RefreshTokenService');
  const config = sessionHttpConfig(options);
  return async function refreshHandler(req, res, next) {
    try {
      const presented = await presentedRefreshToken(req, config, true);
      if (presented.kind === 'failure') return sendFailure(res, presented.failure, config);
      const secure = config.secure(req);
      try {
        const grant = await service.rotate(presented.kind === 'none' ? '' : presented.token);
        sendSessionGrant(res, grant, {
          mode: presented.kind === 'body' ? 'json' : 'cookie',
          refreshPath: config.refreshPath,
          secure,
          nowMs: config.now(),
        });
      } catch (error) {
        const failure = failureOf(error);
        if (!failure) throw error;
        if (
          failure.status === 401 &&
          (presented.kind === 'cookie' || (presented.kind === 'none' && presented.hasCookies))
        ) {
          clearSessionCookies(res, { refreshPath: config.refreshPath, secure });
        }
        sendFailure(res, failure, config);
      }
    } catch (error) {
      next(error);
    }
  };
}
