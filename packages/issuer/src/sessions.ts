export type { IssuerLogger } from './lib/issuer-logger.js';
export { RefreshTokenError, isRefreshTokenError } from './sessions/refresh-token-error.js';
export type { RefreshTokenErrorCode } from './sessions/refresh-token-error.js';
export { createRefreshTokenService } from './sessions/refresh-token-service.js';
export type {
  RefreshTokenService,
  RefreshTokenServiceOptions,
  RefreshTokenGrant,
  RefreshTokenEvent,
  RefreshTokenEvents,
  RefreshAccessTokenInput,
  RefreshAccessTokenResult,
  RefreshDenylist,
  StartRefreshFamilyInput,
  RotateRefreshTokenInput,
  RefreshTokenDescription,
} from './sessions/refresh-token-service.js';
export { createMemoryRefreshTokenStore } from './sessions/refresh-token-memory-store.js';
export type {
  RefreshTokenStore,
  RefreshFamily,
  FoundRefreshToken,
  RotateRefreshTokenRequest,
  RotateRefreshTokenOutcome,
} from './sessions/refresh-token-store.js';
export type { RefreshStoreHealth } from './sessions/refresh-store-health.js';
export {
  setSessionCookies,
  clearSessionCookies,
  sessionCookieNames,
  isSecureRequest,
} from './sessions/session-cookies.js';
export type { SetSessionCookiesOptions, SessionCookieNames, SessionCookiePlace } from './sessions/session-cookies.js';
export { sendSessionGrant } from './sessions/session-grant-response.js';
export type { SendSessionGrantOptions } from './sessions/session-grant-response.js';
export type { SessionHandlerOptions } from './sessions/session-handler-options.js';
export { createRefreshHandler } from './sessions/session-refresh-handler.js';
export { createLogoutHandler } from './sessions/session-logout-handler.js';
export { createTokenEndpointDpop } from './sessions/token-endpoint-dpop.js';
export type { TokenEndpointDpop, TokenEndpointDpopOptions, DpopTokenRequest } from './sessions/token-endpoint-dpop.js';
export {
  DpopTokenRequestError,
  isDpopTokenRequestError,
  sendDpopTokenRequestError,
} from './sessions/dpop-token-request-error.js';
export type { DpopTokenRequestErrorCode, DpopTokenRequestRefusal } from './sessions/dpop-token-request-error.js';
export type { RefreshHandlerOptions } from './sessions/session-refresh-handler.js';
