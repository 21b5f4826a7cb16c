import type { RequestHandler } from 'express';
import { presentedRefreshToken } from './lib/presented-refresh-token.js';
import { sessionHttpConfig } from './lib/session-http-config.js';
import { failureOf, sendFailure } from './lib/session-http-failures.js';
import type { RefreshTokenService } from './refresh-token-service.js';
import { clearRefreshCookie, clearSessionCookies } from './session-cookies.js';
import { sendSessionGrant } from './session-grant-response.js';
import type { SessionHandlerOptions } from './session-handler-options.js';
import { isDpopTokenRequestError, sendDpopTokenRequestError } from './dpop-token-request-error.js';
import type { TokenEndpointDpop } from './token-endpoint-dpop.js';

/**
 * Refusals that say nothing against the access token, which may stay good until its `exp`: the refresh cookie is
 * cleared and the access cookie kept, so that the client can still log out and so revoke it. Every other
 * refusal to a cookie clears both.
 */
const ACCESS_TOKEN_OUTLIVES: ReadonlySet<string> = new Set(['refresh_token_missing', 'refresh_token_expired']);

/** Options of {@link createRefreshHandler}. */
export type RefreshHandlerOptions = SessionHandlerOptions &
  Readonly<{
    /**
     * DPoP at this endpoint (`createTokenEndpointDpop({ url })`, `url` = where this handler is mounted): a proof's key
     * is passed to the rotation, which a family bound to a key requires and an unbound family refuses. Without it a
     * `DPoP` header is ignored, so bound families cannot be refreshed here. @default undefined
     */
    dpop?: TokenEndpointDpop;
  }>;

/**
 * Creates the `POST` refresh endpoint. Browsers present the refresh cookie (same-origin or
 * allow-listed Origin, else 403) and get new cookies; other clients send `refresh_token` in a JSON
 * or form body and get the OAuth token response. Missing, malformed, unknown, expired or reused
 * tokens answer 401 `invalid_grant` with a distinct `code` (reuse: `refresh_token_reused`, after
 * the family and the user's access tokens were revoked). A refusal to a browser clears its session cookies, except
 * the access cookie after `refresh_token_missing` or `refresh_token_expired` (its token may still be good: the page
 * logs out with it, which revokes it). An unreachable store answers 503 with
 * Retry-After. With `dpop`, the request's proof is checked first (400 `invalid_dpop_proof` / `use_dpop_nonce`,
 * 503 when the replay store is down) and its key bound to the rotation (a refused binding: 400 `invalid_grant`,
 * the family untouched). Nothing is logged here; use the service's `on(type, listener)` (family ids only).
 */
export function createRefreshHandler(service: RefreshTokenService, options: RefreshHandlerOptions): RequestHandler {
  if (!service || typeof service.rotate !== 'function') throw new TypeError('service must be a RefreshTokenService');
  const config = sessionHttpConfig(options);
  const { dpop } = options;
  if (dpop !== undefined && (typeof dpop?.check !== 'function' || typeof dpop.responseHeaders !== 'function'))
    throw new TypeError('option `dpop` must come from createTokenEndpointDpop()');
  return async function refreshHandler(req, res, next) {
    try {
      const presented = await presentedRefreshToken(req, config, true);
      if (presented.kind === 'failure') return sendFailure(res, presented.failure, config);
      const secure = config.secure(req);
      let jkt: string | undefined;
      try {
        jkt = await dpop?.check(req);
      } catch (error) {
        if (!isDpopTokenRequestError(error)) throw error;
        return sendDpopTokenRequestError(res, error);
      }
      try {
        const grant = await service.rotate(presented.kind === 'none' ? '' : presented.token, jkt ? { jkt } : {});
        if (dpop) res.set(dpop.responseHeaders());
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
          const clear = ACCESS_TOKEN_OUTLIVES.has(failure.code) ? clearRefreshCookie : clearSessionCookies;
          clear(res, { refreshPath: config.refreshPath, secure });
        }
        sendFailure(res, failure, config);
      }
    } catch (error) {
      next(error);
    }
  };
}
