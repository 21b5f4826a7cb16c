/**
 * Looks a token up in its family.
 *
 * KEYS[1] family hash
 * KEYS[2] rotated-token hash
 * ARGV[1] token hash
 * Returns { 'head' | 'rotated', family fields as a flat list }, or nil when the token is not part of the family.
 */
export const REFRESH_FIND_LUA = `
local head = redis.call('HGET', KEYS[1], 'head')
if not head then return nil end
if head == ARGV[1] then return { 'head', redis.call('HGETALL', KEYS[1]) } end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return { 'rotated', redis.call('HGETALL', KEYS[1]) } end
return nil
`;
