export { IssuerError } from './issuer-error.js';
export type { IssuerErrorCode } from './issuer-error.js';
export type { KeyStore, StoredKey, StoredKeySet, KeyState } from './key-store.js';
export { createMemoryKeyStore } from './memory-key-store.js';
export { createFileKeyStore } from './file-key-store.js';
export type { FileKeyStoreOptions } from './file-key-store.js';
export { importPrivateKey, MIN_RSA_MODULUS_BITS } from './import-private-key.js';
export type { RsaPrivateJwk } from './import-private-key.js';
export { createKeyRing } from './create-key-ring.js';
export { createLocalSigner } from './signer.js';
export type { Signer, SigningAlgorithm } from './signer.js';
export type { KeyRing, KeyRingOptions, KeyInfo, PublicJwk, PublicJwks, RotateOptions } from './create-key-ring.js';
export { createAccessTokenSigner, RESERVED_CLAIMS } from './sign-access-token.js';
export type {
  AccessTokenSigner,
  AccessTokenSignerOptions,
  SignAccessTokenInput,
  SignedAccessToken,
} from './sign-access-token.js';
export { RefreshTokenError } from './refresh-token-error.js';
export type { RefreshTokenErrorCode } from './refresh-token-error.js';
export { createRefreshTokenService } from './refresh-token-service.js';
export type {
  RefreshTokenService,
  RefreshTokenServiceOptions,
  RefreshTokenGrant,
  RefreshTokenEvent,
  RefreshAccessTokenInput,
  RefreshAccessTokenResult,
  RefreshDenylist,
  StartRefreshFamilyInput,
} from './refresh-token-service.js';
export { createMemoryRefreshTokenStore } from './refresh-token-memory-store.js';
export type {
  RefreshTokenStore,
  RefreshFamily,
  FamilyAccessToken,
  FoundRefreshToken,
  RotateRefreshTokenRequest,
  RotateRefreshTokenOutcome,
  EndedRefreshFamily,
} from './refresh-token-store.js';
export { jwksHandler } from './jwks-handler.js';
export { discoveryHandler } from './discovery-handler.js';
export type { DiscoveryHandlerOptions } from './discovery-handler.js';
export { setSessionCookies, clearSessionCookies, sessionCookieNames, isSecureRequest } from './session-cookies.js';
export type { SetSessionCookiesOptions, SessionCookieNames } from './session-cookies.js';
export { sendSessionGrant } from './session-grant-response.js';
export type { SendSessionGrantOptions } from './session-grant-response.js';
export type { SessionHandlerOptions } from './session-handler-options.js';
export { createRefreshHandler } from './session-refresh-handler.js';
export { createLogoutHandler } from './session-logout-handler.js';
