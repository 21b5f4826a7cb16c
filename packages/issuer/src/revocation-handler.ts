import type { RequestHandler } from 'express';
import type { AuthenticatedClient } from './client-authentication.js';
import { OAuthEndpointError, sendOAuthError } from './lib/oauth-endpoint-error.js';
import { lookupOrder, readTokenRequest } from './lib/token-request.js';
import { checkTokenEndpointOptions, type OAuthTokenEndpointOptions } from './oauth-endpoint-options.js';

/** Options of {@link revocationHandler}. */
export type RevocationHandlerOptions = OAuthTokenEndpointOptions &
  Readonly<{
    /** Where revoked access tokens go (structurally a `Denylist` of `@jwks-kit/denylist`). */
    denylist: { revoke(jti: string, exp: number): Promise<void> };
  }>;

type Outcome = 'not_found' | 'done';

/**
 * Express handler for `POST /revoke` (RFC 7009). The client authenticates (HTTP Basic); a refresh
 * token it holds ends its family and every access token of that session; an access token issued to it
 * (`client_id`) goes to the denylist until it expires. The answer is 200 whether or not the token was
 * known, valid or the client's own, so the endpoint tells nothing about tokens; 401 `invalid_client`,
 * 400 `invalid_request`, 429 and 503 are the only refusals.
 */
export function revocationHandler(options: RevocationHandlerOptions): RequestHandler {
  const { maxBodyBytes } = checkTokenEndpointOptions(options);
  if (typeof options.denylist?.revoke !== 'function')
    throw new TypeError('option `denylist` must offer revoke(jti, exp)');
  const { verifyAccessToken, refreshTokens, denylist } = options;

  const revokeAccessToken = async (token: string, client: AuthenticatedClient): Promise<Outcome> => {
    const claims = await verifyAccessToken(token).catch(() => undefined);
    if (!claims) return 'not_found';
    const { jti, exp, client_id: clientId } = claims;
    if (clientId !== client.clientId || typeof jti !== 'string' || typeof exp !== 'number') return 'done';
    await denylist.revoke(jti, exp);
    return 'done';
  };
  const revokeRefreshToken = async (token: string, client: AuthenticatedClient): Promise<Outcome> => {
    const facts = await refreshTokens?.describe(token);
    if (!facts) return 'not_found';
    if (facts.clientId === client.clientId) await refreshTokens!.logout(token);
    return 'done';
  };

  return function revoke(req, res) {
    void (async () => {
      const client = await options.clients.authenticate(req);
      const request = await readTokenRequest(req, maxBodyBytes);
      for (const kind of lookupOrder(request)) {
        const revokeKind = kind === 'access_token' ? revokeAccessToken : revokeRefreshToken;
        if ((await revokeKind(request.token, client)) === 'done') break;
      }
      res.status(200).set('Cache-Control', 'no-store').end();
    })().catch((error: unknown) => {
      // The denylist or the refresh store could not be written: the client should retry, not assume success.
      sendOAuthError(
        res,
        error instanceof OAuthEndpointError
          ? error
          : new OAuthEndpointError(503, 'temporarily_unavailable', 'Revocation is unavailable; try again.', {
              'Retry-After': '5',
            }),
      );
    });
  };
}
