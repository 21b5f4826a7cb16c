import type { ClientAuthenticator } from './client-authentication.js';

/**
 * Verifies an access token of this issuer and resolves its claims, or rejects (expired, revoked, forged…):
 * e.g. `async (token) => (await verifier.verify(token)).claims` with the verifier of `@jwks-kit/verifier`
 * over the key ring's public keys and the denylist.
 */
export type AccessTokenCheck = (token: string) => Promise<Readonly<Record<string, unknown>>>;

/** What a live refresh token stands for; structurally the `describe()` answer of the sessions service. */
export type RefreshTokenFacts = Readonly<{
  sub: string;
  scope?: string;
  clientId?: string;
  /** Thumbprint of the DPoP key the token is bound to (introspection answers it as `cnf.jkt`). */
  jkt?: string;
  /** ms since the epoch. */
  createdAtMs: number;
  /** ms since the epoch. */
  expiresAtMs: number;
}>;

/** The refresh-token side of the endpoints: structurally the `RefreshTokenService` of `@jwks-kit/issuer/sessions`. */
export interface RefreshTokenAuthority {
  /** The family of a live refresh token, or undefined. */
  describe(refreshToken: string): Promise<RefreshTokenFacts | undefined>;
  /** Ends the token's family and every access token of the session. */
  logout(refreshToken: string): Promise<boolean>;
}

/** Options shared by {@link revocationHandler} and {@link introspectionHandler}. */
export type OAuthTokenEndpointOptions = Readonly<{
  /** `iss` of this issuer's tokens (introspection answers carry it for refresh tokens). */
  issuer: string;
  /** Who may call the endpoint: `createClientAuthenticator({ clients })`. */
  clients: ClientAuthenticator;
  /** Verifies access tokens. */
  verifyAccessToken: AccessTokenCheck;
  /** Refresh tokens, when the issuer has sessions. @default undefined (access tokens only) */
  refreshTokens?: RefreshTokenAuthority;
  /** Largest accepted request body. @default 8_192 */
  maxBodyBytes?: number;
}>;

/** Validates the shared options (TypeError naming the option). */
export function checkTokenEndpointOptions(
  options: OAuthTokenEndpointOptions,
): Required<Pick<OAuthTokenEndpointOptions, 'maxBodyBytes'>> {
  if (typeof options?.issuer !== 'string' || options.issuer === '')
    throw new TypeError('option `issuer` must be a non-empty string');
  if (typeof options.clients?.authenticate !== 'function') {
    throw new TypeError('option `clients` must be a ClientAuthenticator (createClientAuthenticator())');
  }
  if (typeof options.verifyAccessToken !== 'function')
    throw new TypeError('option `verifyAccessToken` must be a function');
  const refresh = options.refreshTokens;
  if (refresh !== undefined && (typeof refresh.describe !== 'function' || typeof refresh.logout !== 'function')) {
    throw new TypeError('option `refreshTokens` must offer describe() and logout()');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 8_192;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new TypeError('option `maxBodyBytes` must be a positive integer');
  return { maxBodyBytes };
}
