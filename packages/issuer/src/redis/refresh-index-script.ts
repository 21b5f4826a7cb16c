/**
 * Adds a family to its subject's index and makes the index live at least as long as the family.
 *
 * KEYS[1] subject set
 * ARGV[1] family id
 * ARGV[2] PX: milliseconds until the family expires
 * Returns 1.
 */
export const REFRESH_INDEX_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;
