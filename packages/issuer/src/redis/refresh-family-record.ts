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

/** A whole number of milliseconds, as the store writes it (the rotate script checks `^%d+$`). */
const INSTANT = /^\d+$/;

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
