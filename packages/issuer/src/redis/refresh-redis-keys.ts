import { createHash } from 'node:crypto';

/** The Redis keys of one family; they share the family id as hash tag (one Cluster slot). */
export interface FamilyKeys {
  /** Hash: sub, scope, clientId, jkt, createdAtMs, absoluteExpiresAtMs, lastUsedAtMs, expiresAtMs, head (see `refresh-family-record.ts`). */
  readonly family: string;
  /** Hash: rotated token hash → `rotatedAtMs|successorHash|sealedSuccessor`. */
  readonly rotated: string;
}

/** The one place refresh-store key names come from. */
export interface RefreshRedisKeys {
  /** `<prefix>{<familyId>}:f`, `…:r`. */
  family(familyId: string): FamilyKeys;
  /** `<prefix>{s:<sha256(sub)>}:families`: set of the subject's family ids (its own slot). */
  subject(sub: string): string;
}

/** Creates the key builder for `keyPrefix` (validated by the caller: no `{` or `}`). */
export function createRefreshRedisKeys(keyPrefix: string): RefreshRedisKeys {
  return {
    family(familyId) {
      const base = `${keyPrefix}{${familyId}}`;
      return { family: `${base}:f`, rotated: `${base}:r` };
    },
    subject(sub) {
      return `${keyPrefix}{s:${createHash('sha256').update(sub).digest('base64url')}}:families`;
    },
  };
}
