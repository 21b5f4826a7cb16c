export { IssuerError, isIssuerError } from './issuer-error.js';
export type { IssuerErrorCode } from './issuer-error.js';
export type { KeyStore, StoredKey, StoredKeySet, KeyState, KeyLifecycle } from './key-store.js';
export { createMemoryKeyStore } from './memory-key-store.js';
export { createFileKeyStore } from './file-key-store.js';
export type { FileKeyStoreOptions } from './file-key-store.js';
export { importPrivateKey, MIN_RSA_MODULUS_BITS } from './import-private-key.js';
export type { ImportPrivateKeyOptions } from './import-private-key.js';
export type { RsaPrivateJwk, EcPrivateJwk, OkpPrivateJwk, PrivateSigningJwk } from './private-signing-jwk.js';
export { createKeyRing } from './create-key-ring.js';
export { toPublicJwk } from './public-jwk.js';
export { createLocalSigner, SIGNING_ALGORITHMS } from './signer.js';
export type { Signer, SigningAlgorithm } from './signer.js';
export { signatureParameters } from './lib/signature-parameters.js';
export type { SignatureParameters } from './lib/signature-parameters.js';
export { createRemoteSigner } from './remote-signer.js';
export type { RemoteSigner, RemoteSignerOptions, RemoteSignRequest } from './remote-signer.js';
export { createExternalKeyRing } from './external-key-ring.js';
export type { ExternalKeyRingOptions } from './external-key-ring.js';
export type {
  KeyRing,
  KeyRingHealth,
  KeyRingOptions,
  KeyInfo,
  PublicJwk,
  PublicJwks,
  RotateOptions,
} from './create-key-ring.js';
export { createAccessTokenSigner, MIN_HS256_SECRET_BYTES, RESERVED_CLAIMS } from './sign-access-token.js';
export type {
  AccessTokenSigner,
  AccessTokenSignerOptions,
  SignAccessTokenInput,
  SignedAccessToken,
} from './sign-access-token.js';
export { jwksHandler } from './jwks-handler.js';
export { discoveryHandler } from './discovery-handler.js';
export type { DiscoveryHandlerOptions } from './discovery-handler.js';
export { createClientAuthenticator, generateClientSecret, hashClientSecret } from './client-authentication.js';
export type {
  AuthenticatedClient,
  ClientAuthenticator,
  ClientAuthenticatorOptions,
  OAuthClient,
} from './client-authentication.js';
export { revocationHandler } from './revocation-handler.js';
export type { RevocationHandlerOptions } from './revocation-handler.js';
export { introspectionHandler } from './introspection-handler.js';
export type { IntrospectionHandlerOptions } from './introspection-handler.js';
export type {
  AccessTokenCheck,
  OAuthTokenEndpointOptions,
  RefreshTokenAuthority,
  RefreshTokenFacts,
} from './oauth-endpoint-options.js';
export type { IssuerLogger } from './lib/issuer-logger.js';
