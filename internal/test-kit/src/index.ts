export { startRedis, freePort, waitForRedis, hasRedisServer } from './start-redis.js';
export type { TestRedis, StartRedisOptions } from './start-redis.js';
// One clock for the kit's own tests and for users' (the public @jwks-kit/testing package).
export { createTestClock as createClock } from '@jwks-kit/testing';
export type { TestClock } from '@jwks-kit/testing';
export { createTestKeyPair } from './key-fixtures.js';
export type { TestKeyPair } from './key-fixtures.js';
export { startRedisCluster } from './start-redis-cluster.js';
export type { TestRedisCluster, StartRedisClusterOptions } from './start-redis-cluster.js';
export { BUILT_IN_NAMES } from './built-in-names.js';
export { createJwkVectors } from './jwk-vectors.js';
export type { JwkSetVector, JwkVector, JwkVectorOutcome, JwkVectors } from './jwk-vectors.js';
export { startRedisSentinel } from './start-redis-sentinel.js';
export type { TestRedisSentinel, StartRedisSentinelOptions } from './start-redis-sentinel.js';
export { COOKIE_VECTORS, ORIGIN_VECTORS, VECTOR_ALLOWED_ORIGIN, cookieHeader } from './origin-vectors.js';
export type { CookieVector, OriginVector } from './origin-vectors.js';
export { JWKS_FETCH_VECTORS, VECTOR_MAX_JWKS_BYTES, startJwksFetchVectorServer } from './jwks-fetch-vectors.js';
export type { JwksFetchVector, JwksFetchVectorServer } from './jwks-fetch-vectors.js';
