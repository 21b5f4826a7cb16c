import { FAMILY_INSTANTS_LUA } from './refresh-family-record.js';

/**
 * Deletes a family and answers what it was.
 *
 * KEYS[1] family hash
 * KEYS[2] rotated-token hash
 * Returns the family fields as a flat list, or nil when absent. A family whose instants cannot be read
 * (`familyMalformed()`) is an error reply and stays: the caller's logout fails instead of deleting a family
 * whose end it could not then report.
 */
export const REFRESH_END_LUA = `${FAMILY_INSTANTS_LUA}
local family = redis.call('HGETALL', KEYS[1])
if #family == 0 then return nil end
if familyMalformed() then return redis.error_reply('ERR malformed refresh family record') end
redis.call('DEL', KEYS[1], KEYS[2])
return family
`;
