export {
  ASYMMETRIC_JWS_ALGORITHMS,
  DEFAULT_JWS_ALGORITHMS,
  JWS_ALGORITHMS,
  isJwsAlgorithm,
  jwsAlgorithmEntry,
  parseAlgorithmsOption,
} from './jws-algorithms.js';
export type { JwsAlgorithm, JwsAlgorithmEntry } from './jws-algorithms.js';
export {
  MAX_KID_LENGTH,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
  PRIVATE_JWK_MEMBERS,
  jwkKeyType,
  keyTypeAlgorithms,
  rsaModulusBits,
} from './jwk-key-types.js';
export type { JwkKeyType, JwkRefusal, JwkRefusalReason } from './jwk-key-types.js';
export { checkJwk, checkPublicJwk, isJwkRefusal } from './check-jwk.js';
export type { CheckedJwk, CheckedPublicJwk } from './check-jwk.js';
export { checkJwkSet } from './check-jwk-set.js';
export type {
  JwkSetCheck,
  JwkSetCheckOptions,
  JwkSetEntry,
  JwkSetProblem,
  JwkSetProblemCode,
} from './check-jwk-set.js';
export { importHs256Secret, importJwk, jwkAlgorithm, MIN_HS256_SECRET_BYTES } from './import-jwk.js';
export { isAllowedOrigin, parseAllowedOriginsOption } from './origin-rule.js';
export type { OriginRuleRequest } from './origin-rule.js';
export { readCookie } from './read-cookie.js';
export type { CookieRead } from './read-cookie.js';
export { refuseRenamedOptions } from './renamed-options.js';
export { fetchJwks, isJwksFetchError, JwksFetchError, parseJwksJson } from './fetch-jwks.js';
export type { FetchJwksOptions, FetchJwksResult, JwksFetchErrorCode } from './fetch-jwks.js';
export { prebuildJson, prebuiltJsonHandler, sendPrebuiltJson } from './prebuilt-json.js';
export type { PrebuiltJson, PrebuiltJsonOptions, PrebuiltJsonRequest, PrebuiltJsonResponse } from './prebuilt-json.js';
export { createCompactJwsDecoder, decodeCompactJws } from './decode-compact-jws.js';
export type { DecodedCompactJws } from './decode-compact-jws.js';
export { verifyJwsSignature, verifyJwsSignatureBytes } from './verify-jws-signature.js';
export { isP256SignatureInRange } from './p256-signature.js';
export { jwkThumbprint, jwkThumbprintInput } from './jwk-thumbprint.js';
export { accessTokenHash } from './dpop/access-token-hash.js';
export { dpopHtu } from './dpop/dpop-htu.js';
export { DpopProofError, isDpopProofError } from './dpop/dpop-proof-error.js';
export type { DpopProofErrorCode, DpopProofRefusalReason } from './dpop/dpop-proof-error.js';
export { MAX_DPOP_JTI_LENGTH, MAX_DPOP_PROOF_LENGTH, verifyDpopProof } from './dpop/verify-dpop-proof.js';
export type { DpopProofExpectation, VerifiedDpopProof } from './dpop/verify-dpop-proof.js';
export { dpopReplayKey, dpopReplayTtlMs } from './dpop/dpop-replay-store.js';
export type { DpopReplayStore } from './dpop/dpop-replay-store.js';
export { createMemoryDpopReplayStore, DpopReplayStoreFullError } from './dpop/memory-dpop-replay-store.js';
export type { MemoryDpopReplayStoreOptions } from './dpop/memory-dpop-replay-store.js';
export { createDpopNonces, MIN_DPOP_NONCE_SECRET_BYTES } from './dpop/dpop-nonces.js';
export {
  DEFAULT_DPOP_ALGORITHMS,
  DpopReplayUnavailableError,
  resolveDpopProofPolicy,
  useDpopProofOnce,
} from './dpop/dpop-proof-policy.js';
export type { DpopProofPolicy, DpopProofPolicyOptions } from './dpop/dpop-proof-policy.js';
export { countHeader } from './count-header.js';
export {
  decidingHeaderMembers,
  ownMember,
  ownMembers,
  registeredClaims,
  revocationClaimMembers,
} from './own-member.js';
export type { DecidingHeaderMembers, RegisteredClaims, RevocationClaimMembers } from './own-member.js';
export type { DpopNonces, DpopNoncesOptions } from './dpop/dpop-nonces.js';
export { SESSION_COOKIE_NAMES } from './session-cookie-names.js';
export type { SessionCookieNames } from './session-cookie-names.js';
export { createEventListeners } from './event-listeners.js';
export type { EventListeners, EventMap, EventSource } from './event-listeners.js';
