/**
 * Deletes a family and answers what it was, with its access tokens that have not expired.
 *
 * KEYS[1] family hash
 * KEYS[2] rotated-token hash
 * KEYS[3] access-token sorted set
 * ARGV[1] now (NumericDate)
 * Returns { family fields as a flat list, jti and exp pairs as a flat list }, or nil when absent.
 */
export const REFRESH_END_LUA = `
local family = redis.call('HGETALL', KEYS[1])
if #family == 0 then return nil end
local tokens = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf', 'WITHSCORES')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return { family, tokens }
`;
