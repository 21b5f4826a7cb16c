import { APPEND_TO_STREAM_LUA } from './append-to-stream.js';

/**
 * Stores a jti revocation unless an equal or later one is there, and appends it to the issuer's stream,
 * atomically.
 *
 * KEYS[1] jti key
 * KEYS[2] stream of the issuer (same hash tag)
 * ARGV[1] expiresAtMs (also the stored value)
 * ARGV[2] PX in milliseconds (from exp plus leeway, never a fixed TTL)
 * ARGV[3] stream retention in milliseconds
 * ARGV[4] sentAtMs (writer's clock, for the lag metric)
 * Returns the entry's position `n` in the stream when written, 0 when an equal or later revocation already existed.
 */
export const REVOKE_JTI_LUA = `${APPEND_TO_STREAM_LUA}
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return appendToStream(KEYS[2], KEYS[1], ARGV[1], ARGV[3], ARGV[4])
`;
