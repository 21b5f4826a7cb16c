/**
 * Creates a family; its hash expires with the family.
 *
 * KEYS[1] family hash
 * ARGV[1] PX: milliseconds until the family expires
 * ARGV[2..] family fields as name, value pairs
 * Returns 1.
 */
export const REFRESH_CREATE_LUA = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;
