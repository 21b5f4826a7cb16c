export { requireAuth } from './require-auth.js';
export type { RequireAuthOptions, RequireAuthHandler } from './require-auth.js';
export { requireScopes, requireAnyScope, requireClaim } from './require-scopes.js';
export type { GuardOptions } from './require-scopes.js';
export { authErrorHandler } from './auth-error-handler.js';
export { createAccessTokenVerifier } from './create-access-token-verifier.js';
export type { AccessTokenVerifier, VerifiedAccessToken } from './create-access-token-verifier.js';
export type {
  AccessTokenAlgorithm,
  AccessTokenClaims,
  AccessTokenVerifierOptions,
  JwksCacheOptions,
  RevocationCheck,
  TrustedIssuer,
} from './access-token-verifier-options.js';
export { getToken } from './get-token.js';
export type { FoundToken, GetTokenOptions, TokenRequest, TokenScheme, TokenSource } from './get-token.js';
export type { DpopOptions } from './dpop-options.js';
export type { RequestAuth } from './express-augment.js';
export { VerifierError, isVerifierError, DEFAULT_REALM } from './errors.js';
export type { DpopChallenge, VerifierErrorCode, VerifierErrorOptions, OAuthErrorName } from './errors.js';
export { createLocalKeySet } from './create-local-key-set.js';
export type { Jwk, LocalKeySet, LocalKeySetOptions, JwkSet } from './create-local-key-set.js';
export type { KeySet, VerificationKey } from './key-set.js';
export { createRemoteKeySet, RemoteKeySet } from './remote-key-set.js';
export type {
  RemoteKeySetOptions,
  RemoteKeySetEvents,
  JwksFetchedEvent,
  JwksStaleEvent,
  SkippedKey,
  SkippedKeyReason,
} from './remote-key-set.js';
export { discoverJwksUri } from './discover-jwks-uri.js';
export type { DiscoverJwksUriOptions } from './discover-jwks-uri.js';
export { KeySetError, isKeySetError } from './key-set-error.js';
export type { KeySetErrorCode } from './key-set-error.js';
export { fullJitterMs } from './lib/full-jitter.js';
export { RefusalDetail } from './refusal-detail.js';
export type { RefusalCheck, RefusalDetailFields } from './refusal-detail.js';
export type { HealthState, KeySetHealth } from './key-set-health.js';
export { protectedResourceMetadataHandler, protectedResourceMetadataUrl } from './protected-resource-metadata.js';
export type { ProtectedResourceMetadataOptions } from './protected-resource-metadata.js';
export { readinessHandler, readiness } from './readiness-handler.js';
export type { HealthSource, ReadinessReport } from './readiness-handler.js';
export type { VerifierHealth } from './lib/verifier-health.js';
export type { Logger } from './logger.js';
