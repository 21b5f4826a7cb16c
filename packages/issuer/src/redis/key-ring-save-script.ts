/**
 * Compare-and-set of the whole key ring on its version: writes only when the stored version is the
 * one the caller read, so of two replicas transitioning at once exactly one wins; publishes the new version.
 *
 * KEYS[1] ring hash
 * ARGV[1] expected version ('0' when nothing is stored)
 * ARGV[2] change channel
 * ARGV[3] public records (JSON)
 * ARGV[4..] kid, sealed private part pairs
 * Returns { 1, new version } when written, { 0, current version } when the version moved.
 */
export const KEY_RING_SAVE_LUA = `
local current = redis.call('HGET', KEYS[1], 'version') or '0'
if current ~= ARGV[1] then return { 0, current } end
local version = tostring(tonumber(current) + 1)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', version, 'public', ARGV[3])
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], 'sealed:' .. ARGV[i], ARGV[i + 1])
end
redis.call('PUBLISH', ARGV[2], version)
return { 1, version }
`;
