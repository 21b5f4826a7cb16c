import type { RequestHandler } from 'express';
import type { AuthenticatedClient } from './client-authentication.js';
import { OAuthEndpointError, sendOAuthError } from './lib/oauth-endpoint-error.js';
import { lookupOrder, readTokenRequest } from './lib/token-request.js';
import { checkTokenEndpointOptions, type OAuthTokenEndpointOptions } from './oauth-endpoint-options.js';

/** Options of {@link introspectionHandler}. */
export type IntrospectionHandlerOptions = OAuthTokenEndpointOptions;

type Answer = Readonly<Record<string, unknown>>;
const INACTIVE: Answer = Object.freeze({ active: false });

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Express handler for `POST /introspect` (RFC 7662), for clients that cannot verify JWTs themselves.
 * The client authenticates (HTTP Basic). A valid access token whose `aud` names one of the client's
 * `audiences` answers `active: true` with its claims, `cnf` included, and `token_type` (`DPoP` when
 * bound, else `Bearer`); a live refresh token answers active only to the client it was issued to.
 * Everything else (expired, revoked, forged, another audience's token, garbage) is `{ "active": false }`,
 * never a reason.
 */
export function introspectionHandler(options: IntrospectionHandlerOptions): RequestHandler {
  const { maxBodyBytes } = checkTokenEndpointOptions(options);
  const { verifyAccessToken, refreshTokens, issuer } = options;

  const accessToken = async (token: string, client: AuthenticatedClient): Promise<Answer | undefined> => {
    const claims = await verifyAccessToken(token).catch(() => undefined);
    if (!claims) return undefined;
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (!audiences.some((aud) => client.audiences.has(aud as string))) return INACTIVE;
    const bound = typeof (claims.cnf as { jkt?: unknown } | undefined)?.jkt === 'string';
    return { ...claims, active: true, token_type: bound ? 'DPoP' : 'Bearer' };
  };
  const refreshToken = async (token: string, client: AuthenticatedClient): Promise<Answer | undefined> => {
    const facts = await refreshTokens?.describe(token);
    if (!facts) return undefined;
    if (facts.clientId !== client.clientId) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      iss: issuer,
      sub: facts.sub,
      client_id: facts.clientId,
      ...(facts.scope === undefined ? {} : { scope: facts.scope }),
      ...(facts.jkt === undefined ? {} : { cnf: { jkt: facts.jkt } }),
      iat: seconds(facts.createdAtMs),
      exp: seconds(facts.expiresAtMs),
    };
  };

  return function introspect(req, res) {
    void (async () => {
      const client = await options.clients.authenticate(req);
      const request = await readTokenRequest(req, maxBodyBytes);
      let answer: Answer = INACTIVE;
      for (const kind of lookupOrder(request)) {
        const found = await (kind === 'access_token' ? accessToken : refreshToken)(request.token, client);
        if (found) {
          answer = found;
          break;
        }
      }
      res.status(200).set('Cache-Control', 'no-store').json(answer);
    })().catch((error: unknown) => {
      sendOAuthError(
        res,
        error instanceof OAuthEndpointError
          ? error
          : new OAuthEndpointError(503, 'temporarily_unavailable', 'Introspection is unavailable; try again.', {
              'Retry-After': '5',
            }),
      );
    });
  };
}
