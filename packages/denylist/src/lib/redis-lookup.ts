import { revocationClaimMembers } from '@jwks-kit/core';
import type { Cluster, Redis } from 'ioredis';
import type { RevocationClaims } from '../denylist.js';
import type { DenylistEvent } from '../denylist-events.js';
import { DenylistError } from '../errors.js';
import { decodeEntry } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import { claimsNamespace, isIssuedBefore, isValidId, type RevocationSettings } from './revocation-rules.js';
import { withTimeout } from './with-timeout.js';

/** What lookup mode needs, already validated. */
export interface LookupConfig {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;
  readonly settings: RevocationSettings;
  readonly lookupTimeoutMs: number;
  readonly failOpen: boolean;
  readonly emit: (event: DenylistEvent) => void;
  /** Called with the error of a failed lookup. */
  readonly onFailure: (error: DenylistError) => void;
  /** Called after a lookup Redis answered. */
  readonly onSuccess: () => void;
}

/**
 * Returns a `check()` that reads the token's jti, subject and session keys with one MGET (same hash tag,
 * so one slot on a Cluster), bounded by `lookupTimeoutMs`. Fails closed unless `failOpen`.
 */
export function createLookupCheck(config: LookupConfig): (claims: RevocationClaims) => Promise<boolean> {
  const { client, keys, settings, lookupTimeoutMs, failOpen } = config;
  return async (claims) => {
    const { jti, sub, sid, iat, iss } = revocationClaimMembers(claims);
    if (
      (jti !== undefined && !isValidId(jti)) ||
      (sub !== undefined && !isValidId(sub)) ||
      (sid !== undefined && !isValidId(sid))
    )
      return true;
    const ns = claimsNamespace(iss, settings);
    const wanted: string[] = [];
    if (jti !== undefined) wanted.push(keys.key({ kind: 'jti', ns, id: jti }));
    if (sub !== undefined) wanted.push(keys.key({ kind: 'subject', ns, id: sub }));
    if (sid !== undefined) wanted.push(keys.key({ kind: 'session', ns, id: sid }));
    if (wanted.length === 0) return false;
    let values: (string | null)[];
    try {
      values = await withTimeout(
        client.mget(wanted),
        lookupTimeoutMs,
        () => new Error(`Redis did not answer within ${lookupTimeoutMs} ms`),
      );
    } catch (cause) {
      const error = new DenylistError(
        'ERR_DENYLIST_UNAVAILABLE',
        'the denylist lookup failed: Redis unreachable or too slow',
        { cause, retryAfterSeconds: 1 },
      );
      config.onFailure(error);
      config.emit({ type: 'error', error });
      if (failOpen) return false;
      throw error;
    }
    config.onSuccess();
    const nowMs = settings.now();
    for (let i = 0; i < wanted.length; i++) {
      const value = values[i];
      const parts = keys.parse(wanted[i] as string);
      const revocation = parts && typeof value === 'string' ? decodeEntry(parts, value) : undefined;
      if (!revocation || revocation.expiresAtMs <= nowMs) continue;
      if (revocation.kind === 'jti' || isIssuedBefore(iat, revocation.at)) return true;
    }
    return false;
  };
}
