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
export { checkJwk, isJwkRefusal } from './check-jwk.js';
export type { CheckedJwk } from './check-jwk.js';
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
