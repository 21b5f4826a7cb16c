import { APPEND_TO_STREAM_LUA } from './append-to-stream.js';

/**
 * Stores a subject or session revocation unless one with an equal or later `at` is there, and appends it
 * to the issuer's stream, atomically.
 *
 * KEYS[1] subject or session key
 * KEYS[2] stream of the issuer (same hash tag)
 * ARGV[1] at (NumericDate)
 * ARGV[2] stored value `<at>:<expiresAtMs>`
 * ARGV[3] PX in milliseconds (from at plus the longest token lifetime plus leeway)
 * ARGV[4] stream retention in milliseconds
 * ARGV[5] sentAtMs (writer's clock, for the lag metric)
 * Returns the entry's position `n` in the stream when written, 0 when an equal or later revocation already existed.
 */
export const REVOKE_SUBJECT_LUA = `${APPEND_TO_STREAM_LUA}
local current = redis.call('GET', KEYS[1])
if current then
  local currentAt = tonumber(string.match(current, '^([^:]+):'))
  if currentAt and currentAt >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return appendToStream(KEYS[2], KEYS[1], ARGV[2], ARGV[4], ARGV[5])
`;
