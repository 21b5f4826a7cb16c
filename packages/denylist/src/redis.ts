export { createRedisDenylist } from './redis-denylist.js';
export type { RedisDenylist, RedisDenylistOptions } from './redis-denylist.js';
export type { DenylistEvent, DenylistStats, SyncReason } from './denylist-events.js';
