/**
 * Stores a jti revocation unless an equal or later one is there, and publishes it, atomically.
 *
 * KEYS[1] jti key
 * ARGV[1] expiresAtMs (also the stored value)
 * ARGV[2] PX in milliseconds (from exp plus leeway, never a fixed TTL)
 * ARGV[3] revocation channel
 * ARGV[4] message to publish
 * Returns 1 when written, 0 when an equal or later revocation already existed.
 */
export const REVOKE_JTI_LUA = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;
