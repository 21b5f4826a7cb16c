/**
 * Stores a subject or session revocation unless one with an equal or later `at` is there, and publishes it,
 * atomically.
 *
 * KEYS[1] subject or session key
 * ARGV[1] at (NumericDate)
 * ARGV[2] stored value `<at>:<expiresAtMs>`
 * ARGV[3] PX in milliseconds (from at plus the longest token lifetime plus leeway)
 * ARGV[4] revocation channel
 * ARGV[5] message to publish
 * Returns 1 when written, 0 when an equal or later revocation already existed.
 */
export const REVOKE_SUBJECT_LUA = `
local current = redis.call('GET', KEYS[1])
if current then
  local currentAt = tonumber(string.match(current, '^([^:]+):'))
  if currentAt and currentAt >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;
