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
