/**
 * Creates a family with its first access token; all keys expire with the family.
 *
 * KEYS[1] family hash
 * KEYS[2] access-token sorted set
 * ARGV[1] PX: milliseconds until the family expires
 * ARGV[2] jti of the first access token
 * ARGV[3] its exp (NumericDate)
 * ARGV[4..] family fields as name, value pairs
 * Returns 1.
 */
export const REFRESH_CREATE_LUA = `
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;
