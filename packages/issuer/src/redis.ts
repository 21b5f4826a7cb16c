export { createRedisRefreshTokenStore } from './redis/refresh-token-redis-store.js';
export type { RedisRefreshTokenStoreOptions } from './redis/refresh-token-redis-store.js';
