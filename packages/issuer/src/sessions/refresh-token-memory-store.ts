import { nextExpiry } from './lib/next-expiry.js';
import type {
  FoundRefreshToken,
  RefreshFamily,
  RefreshTokenStore,
  RotateRefreshTokenOutcome,
  RotateRefreshTokenRequest,
} from './refresh-token-store.js';

interface RotatedEntry {
  readonly rotatedAtMs: number;
  readonly successorHash: string;
  readonly sealedSuccessor: string;
}

interface FamilyEntry {
  family: RefreshFamily;
  readonly rotated: Map<string, RotatedEntry>;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * An in-process {@link RefreshTokenStore} for a single auth-service instance and for tests. Every
 * method runs as one synchronous critical section, so rotation is atomic. Expired families are
 * swept at most once a minute, on `create`.
 */
export function createMemoryRefreshTokenStore(): RefreshTokenStore {
  const families = new Map<string, FamilyEntry>();
  const subjects = new Map<string, Set<string>>();
  let nextSweepAt = 0;

  const remove = (familyId: string): FamilyEntry | undefined => {
    const entry = families.get(familyId);
    if (!entry) return undefined;
    families.delete(familyId);
    const ids = subjects.get(entry.family.sub);
    ids?.delete(familyId);
    if (ids?.size === 0) subjects.delete(entry.family.sub);
    return entry;
  };

  const sweep = (nowMs: number): void => {
    if (nowMs < nextSweepAt) return;
    nextSweepAt = nowMs + SWEEP_INTERVAL_MS;
    for (const [familyId, entry] of families) if (entry.family.expiresAtMs <= nowMs) remove(familyId);
  };

  const rotate = (request: RotateRefreshTokenRequest): RotateRefreshTokenOutcome => {
    const entry = families.get(request.familyId);
    if (!entry) return { kind: 'invalid' };
    const { family } = entry;
    const isHead = family.headHash === request.presentedHash;
    const previous = isHead ? undefined : entry.rotated.get(request.presentedHash);
    if (!isHead && !previous) return { kind: 'invalid' };
    if (request.nowMs >= family.expiresAtMs) {
      remove(request.familyId);
      return { kind: 'expired', family };
    }
    if (previous) {
      const inGrace =
        request.nowMs - previous.rotatedAtMs < request.graceMs && previous.successorHash === family.headHash;
      if (!inGrace) {
        remove(request.familyId);
        return { kind: 'reused', family };
      }
      return { kind: 'replayed', family, sealedSuccessor: previous.sealedSuccessor };
    }
    entry.rotated.set(request.presentedHash, {
      rotatedAtMs: request.nowMs,
      successorHash: request.successorHash,
      sealedSuccessor: request.sealedSuccessor,
    });
    entry.family = {
      ...family,
      headHash: request.successorHash,
      lastUsedAtMs: request.nowMs,
      expiresAtMs: nextExpiry(family.absoluteExpiresAtMs, request.nowMs, request.idleTimeoutMs),
    };
    return { kind: 'rotated', family: entry.family };
  };

  return {
    health: () => ({ state: 'ok', kind: 'memory', connection: undefined, lastError: undefined }),
    async create(family) {
      sweep(family.createdAtMs);
      families.set(family.familyId, { family, rotated: new Map() });
      const ids = subjects.get(family.sub) ?? new Set<string>();
      ids.add(family.familyId);
      subjects.set(family.sub, ids);
    },
    async find(familyId, tokenHash): Promise<FoundRefreshToken | undefined> {
      const entry = families.get(familyId);
      if (!entry) return undefined;
      if (entry.family.headHash === tokenHash) return { family: entry.family, state: 'head' };
      return entry.rotated.has(tokenHash) ? { family: entry.family, state: 'rotated' } : undefined;
    },
    async rotate(request) {
      return rotate(request);
    },
    async end(familyId) {
      return remove(familyId)?.family;
    },
    async familiesOf(sub) {
      return [...(subjects.get(sub) ?? [])];
    },
  };
}
