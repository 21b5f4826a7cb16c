/**
 * Lua fragment shared by every revocation script: appends the write to the issuer's stream and trims
 * entries older than the retention (MINID on Redis time, the clock of the entry ids). Each entry carries
 * `n`, its position in the stream since the stream was created (1, 2, 3…): a mirror that sees `n` jump
 * (entries trimmed past its position, an entry it never got) or restart at 1 (Redis lost the stream)
 * reloads, so a missed entry cannot go unnoticed.
 *
 * appendToStream(stream, key, value, retentionMs, sentAtMs) → n
 */
export const APPEND_TO_STREAM_LUA = `
local function appendToStream(stream, key, value, retentionMs, sentAtMs)
  local n = 1
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if last[1] and last[1][2][1] == 'n' then n = tonumber(last[1][2][2]) + 1 end
  local t = redis.call('TIME')
  local minId = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(retentionMs)
  if minId < 0 then minId = 0 end
  redis.call('XADD', stream, 'MINID', string.format('%.0f', minId), '*',
    'n', string.format('%.0f', n), 'k', key, 'v', value, 't', sentAtMs)
  return n
end
`;
