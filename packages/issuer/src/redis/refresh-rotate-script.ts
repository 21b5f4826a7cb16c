import { FAMILY_INSTANTS_LUA, PREVIOUS_FAMILY_TIME_FIELDS_LUA } from './refresh-family-record.js';

/**
 * Rotation, grace replay, reuse detection and expiry of one family, atomically: there is no moment
 * between reading the head and writing the successor, so a family can never fork.
 *
 * KEYS[1] family hash
 * KEYS[2] rotated-token hash
 * ARGV[1] presented token hash
 * ARGV[2] successor token hash
 * ARGV[3] successor sealed under the presented token
 * ARGV[4] now (ms)
 * ARGV[5] grace window (ms)
 * ARGV[6] idle timeout (ms)
 * Returns { kind, sealed successor or '', family fields as a flat list }; kind is 'rotated',
 * 'replayed', 'reused', 'expired' or 'invalid' (then the list is empty). 'reused' and 'expired'
 * delete the family. Instants are read under their names or, in a hash written by 0.1, their previous
 * names (`FAMILY_TIME_FIELDS`); a rotation writes them under the current names only and deletes the old
 * ones. A family without its instants as whole numbers is an error reply before anything changes (the store
 * answers ERR_REFRESH_STORE_UNAVAILABLE).
 */
export const REFRESH_ROTATE_LUA = `${FAMILY_INSTANTS_LUA}
local head = redis.call('HGET', KEYS[1], 'head')
if not head then return { 'invalid', '', {} } end
if familyMalformed() then return redis.error_reply('ERR malformed refresh family record') end
local previous = false
if head ~= ARGV[1] then
  previous = redis.call('HGET', KEYS[2], ARGV[1])
  if not previous then return { 'invalid', '', {} } end
end
local now = tonumber(ARGV[4])
local familyExpiresAt = tonumber(familyInstant('expiresAtMs', 'expiresAt'))
local createdAt = familyInstant('createdAtMs', 'createdAt')
local absoluteExpiresAt = tonumber(familyInstant('absoluteExpiresAtMs', 'absoluteExpiresAt'))
if now >= familyExpiresAt then
  local family = redis.call('HGETALL', KEYS[1])
  redis.call('DEL', KEYS[1], KEYS[2])
  return { 'expired', '', family }
end
if previous then
  local rotatedAt, successorHash, sealed = string.match(previous, '^(%d+)|([^|]+)|(.+)$')
  if now - tonumber(rotatedAt) < tonumber(ARGV[5]) and successorHash == head then
    return { 'replayed', sealed, redis.call('HGETALL', KEYS[1]) }
  end
  local family = redis.call('HGETALL', KEYS[1])
  redis.call('DEL', KEYS[1], KEYS[2])
  return { 'reused', '', family }
end
local expiresAt = math.min(absoluteExpiresAt, now + tonumber(ARGV[6]))
local px = string.format('%.0f', expiresAt - now)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
redis.call('HDEL', KEYS[1], ${PREVIOUS_FAMILY_TIME_FIELDS_LUA})
redis.call('HSET', KEYS[1], 'head', ARGV[2], 'createdAtMs', createdAt,
  'absoluteExpiresAtMs', string.format('%.0f', absoluteExpiresAt), 'lastUsedAtMs', ARGV[4],
  'expiresAtMs', string.format('%.0f', expiresAt))
redis.call('PEXPIRE', KEYS[1], px)
redis.call('PEXPIRE', KEYS[2], px)
return { 'rotated', '', redis.call('HGETALL', KEYS[1]) }
`;
