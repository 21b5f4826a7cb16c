/**
 * Deletes a family and answers what it was.
 *
 * KEYS[1] family hash
 * KEYS[2] rotated-token hash
 * Returns the family fields as a flat list, or nil when absent.
 */
export const REFRESH_END_LUA = `
local family = redis.call('HGETALL', KEYS[1])
if #family == 0 then return nil end
redis.call('DEL', KEYS[1], KEYS[2])
return family
`;
