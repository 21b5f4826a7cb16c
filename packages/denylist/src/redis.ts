export { createRedisDenylist } from './redis-denylist.js';
export type { RedisDenylist, RedisDenylistOptions } from './redis-denylist.js';
export type { DenylistEvent, DenylistEvents, DenylistStats, SyncReason } from './denylist-events.js';
export { createRedisDpopReplayStore } from './redis-dpop-replay-store.js';
export type { RedisDpopReplayStore, RedisDpopReplayStoreOptions } from './redis-dpop-replay-store.js';
