import { RefreshTokenError } from '../sessions/refresh-token-error.js';
import type { RefreshFamily } from '../sessions/refresh-token-store.js';

type FamilyTime = 'createdAtMs' | 'absoluteExpiresAtMs' | 'lastUsedAtMs' | 'expiresAtMs';

/**
 * The instants of a family hash and the field names `@jwks-kit/issuer` 0.1 wrote them under (same values,
 * milliseconds). The rotate script (`refresh-rotate-script.ts`) reads the same pairs and deletes the old names.
 */
export const FAMILY_TIME_FIELDS: readonly (readonly [name: FamilyTime, previousName: string])[] = [
  ['createdAtMs', 'createdAt'],
  ['absoluteExpiresAtMs', 'absoluteExpiresAt'],
  ['lastUsedAtMs', 'lastUsedAt'],
  ['expiresAtMs', 'expiresAt'],
];

/** A whole number of milliseconds, as the store writes it (the scripts check `^%d+$`). */
const INSTANT = /^\d+$/;

/**
 * Lua prepended to the scripts that change a family (rotate, end), the same reading of KEYS[1] as
 * {@link familyFromFlat}: `familyInstant(name, previousName)` answers an instant's text (under its name, else
 * under its 0.1 name) or `false` when missing or not a whole number; `familyMalformed()` is true when any
 * instant is. The scripts refuse a malformed family before they delete or write anything, so a refusal
 * never loses a reuse detection or a logout.
 */
export const FAMILY_INSTANTS_LUA = `
local function familyInstant(name, previousName)
  local value = redis.call('HGET', KEYS[1], name) or redis.call('HGET', KEYS[1], previousName)
  if value and string.match(value, '^%d+$') then return value end
  return false
end
local function familyMalformed()
  return ${FAMILY_TIME_FIELDS.map(([name, previousName]) => `not familyInstant('${name}', '${previousName}')`).join(' or ')}
end
`;

/** The 0.1 names of the instants, as a Lua argument list (`'createdAt', …`): what a rewrite deletes. */
export const PREVIOUS_FAMILY_TIME_FIELDS_LUA = FAMILY_TIME_FIELDS.map(([, previousName]) => `'${previousName}'`).join(
  ', ',
);

/**
 * The one reader of a family hash (as `HGETALL` answers it, a flat name, value list): each instant under its
 * name or, in a hash written by 0.1, under its previous name. A hash with an instant under neither name, or
 * one that is not a whole number of milliseconds, is refused with `ERR_REFRESH_STORE_UNAVAILABLE` (the store
 * cannot answer for that family), never read as a family that expires at `NaN`.
 */
export function familyFromFlat(familyId: string, flat: readonly string[]): RefreshFamily {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const times = {} as Record<FamilyTime, number>;
  for (const [name, previousName] of FAMILY_TIME_FIELDS) {
    const value = fields.get(name) ?? fields.get(previousName);
    if (value === undefined || !INSTANT.test(value))
      throw new RefreshTokenError(
        'ERR_REFRESH_STORE_UNAVAILABLE',
        'The refresh-token store holds a malformed family record.',
        {
          familyId,
          cause: new Error(`family hash field ${name} is ${value === undefined ? 'missing' : 'not a number'}`),
        },
      );
    times[name] = Number(value);
  }
  const scope = fields.get('scope');
  const clientId = fields.get('clientId');
  const jkt = fields.get('jkt');
  return {
    familyId,
    sub: fields.get('sub') ?? '',
    ...(scope === undefined ? {} : { scope }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(jkt === undefined ? {} : { jkt }),
    ...times,
    headHash: fields.get('head') ?? '',
  };
}

/** The hash fields of a new family (current names only), as name, value pairs for `HSET`. */
export function familyFields(family: RefreshFamily): string[] {
  const fields = ['sub', family.sub];
  for (const [name] of FAMILY_TIME_FIELDS) fields.push(name, String(family[name]));
  fields.push('head', family.headHash);
  if (family.scope !== undefined) fields.push('scope', family.scope);
  if (family.clientId !== undefined) fields.push('clientId', family.clientId);
  // written once here: the rotate script sets only head and the instants, so the binding never changes
  if (family.jkt !== undefined) fields.push('jkt', family.jkt);
  return fields;
}
