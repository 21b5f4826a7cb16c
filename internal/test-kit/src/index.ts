export { startRedis, freePort, waitForRedis, hasRedisServer } from './start-redis.js';
export type { TestRedis, StartRedisOptions } from './start-redis.js';
export { createClock } from './clock.js';
export type { TestClock } from './clock.js';
export { createTestKeyPair } from './key-fixtures.js';
export type { TestKeyPair } from './key-fixtures.js';
export { startRedisCluster } from './start-redis-cluster.js';
export type { TestRedisCluster, StartRedisClusterOptions } from './start-redis-cluster.js';
export { BUILT_IN_NAMES } from './built-in-names.js';
