export { createRedisRefreshTokenStore } from './redis/refresh-token-redis-store.js';
export type { RedisRefreshTokenStoreOptions } from './redis/refresh-token-redis-store.js';
export { createRedisKeyStore } from './redis/key-redis-store.js';
export type { RedisKeyStoreOptions, RedisKeyStore, PublicStoredKey } from './redis/key-redis-store.js';
