export type { Denylist, RevocationClaims } from './denylist.js';
export { createMemoryDenylist } from './memory-denylist.js';
export type { MemoryDenylist, MemoryDenylistOptions } from './memory-denylist.js';
export { DenylistError, isDenylistError } from './errors.js';
export type { DenylistErrorCode, DenylistErrorOptions } from './errors.js';
export type { DenylistHealth } from './denylist-health.js';
export type { DenylistLogger } from './denylist-logger.js';
