import type { PrivateSigningJwk } from './private-signing-jwk.js';
import { IssuerError } from './issuer-error.js';
import type { StoredKey, StoredKeySet } from './key-store.js';

/**
 * The durations that drive key life cycles, in milliseconds.
 * `prePublishMs`: how long a next key is published before it may sign (verifiers' cache age + margin).
 * `retainMs`: how long a retired key stays published (token lifetime + margin).
 * `rotationIntervalMs`: scheduled rotation period measured from activation; 0 disables it.
 */
export interface KeyTiming {
  readonly prePublishMs: number;
  readonly retainMs: number;
  readonly rotationIntervalMs: number;
}

/** Result of a pure transition: the new set and whether it differs from the input. */
export interface Transition {
  readonly set: StoredKeySet;
  readonly changed: boolean;
}

/**
 * Applies the transitions due at `now`: removes retired keys whose `removeAtMs` has passed, and
 * promotes the next key when scheduled rotation is due and the next key has been published long
 * enough (or when there is no active key at all, since a ring must be able to sign).
 */
export function applyDueTransitions(set: StoredKeySet, now: number, timing: KeyTiming): Transition {
  const kept = set.keys.filter((key) => key.state !== 'retired' || (key.removeAtMs ?? 0) > now);
  let result: StoredKeySet = { keys: kept };
  let changed = kept.length !== set.keys.length;
  const active = kept.find((key) => key.state === 'active');
  const next = kept.find((key) => key.state === 'next');
  if (next && !active) {
    result = promote(result, now, timing);
    changed = true;
  } else if (active && next && timing.rotationIntervalMs > 0) {
    const due = (active.activatedAtMs ?? active.createdAtMs) + timing.rotationIntervalMs;
    if (now >= due && now >= next.activatesAtMs) {
      result = promote(result, now, timing);
      changed = true;
    }
  }
  return { set: result, changed };
}

/**
 * On-demand rotation: the next key becomes active and the active key is retired (published until
 * `now + retainMs`). Refuses with `ERR_NEXT_KEY_NOT_READY` while the next key has been published
 * for less than `prePublishMs`, unless `force` (emergency: verifiers holding a cached JWKS will
 * meet an unknown kid and must refetch).
 */
export function rotateKeys(set: StoredKeySet, now: number, timing: KeyTiming, force: boolean): StoredKeySet {
  const next = set.keys.find((key) => key.state === 'next');
  if (!next) throw new IssuerError('ERR_NO_NEXT_KEY', 'there is no next key to rotate to');
  if (!force && now < next.activatesAtMs) {
    const waitS = Math.ceil((next.activatesAtMs - now) / 1000);
    throw new IssuerError(
      'ERR_NEXT_KEY_NOT_READY',
      `next key ${next.kid} has not been published long enough for cached JWKS copies to contain it; ` +
        `rotate in ${waitS} s, or pass { force: true } to rotate now (verifiers will have to refetch the JWKS)`,
    );
  }
  return promote(set, now, timing);
}

/** Which key the ring lacks to be usable: an active key first, then a next key. */
export function missingKey(set: StoredKeySet): 'active' | 'next' | undefined {
  if (!set.keys.some((key) => key.state === 'active'))
    return set.keys.some((key) => key.state === 'next') ? undefined : 'active';
  if (!set.keys.some((key) => key.state === 'next')) return 'next';
  return undefined;
}

/**
 * Adds a key. As `active` (only when the ring has none) it signs at once. As `next` it is
 * published now and may sign from `now + prePublishMs`; it replaces an existing next key, which
 * never signed anything and can therefore leave at once.
 */
export function addKey(
  set: StoredKeySet,
  jwk: PrivateSigningJwk,
  state: 'active' | 'next',
  now: number,
  timing: KeyTiming,
): StoredKeySet {
  if (set.keys.some((key) => key.kid === jwk.kid))
    throw new IssuerError('ERR_INVALID_KEY', `key ${jwk.kid} is already in the key ring`);
  if (state === 'active' && set.keys.some((key) => key.state === 'active')) {
    throw new IssuerError('ERR_INVALID_KEY', 'the key ring already has an active key');
  }
  const key: StoredKey =
    state === 'active'
      ? { ...jwk, state, createdAtMs: now, activatesAtMs: now, activatedAtMs: now }
      : { ...jwk, state, createdAtMs: now, activatesAtMs: now + timing.prePublishMs };
  return { keys: [...set.keys.filter((k) => state !== 'next' || k.state !== 'next'), key] };
}

/**
 * Withdraws a next or retired key at once (a retired key's tokens stop verifying once verifiers
 * refresh: for a compromised key). The active key cannot be removed: rotate first.
 */
export function removeKey(set: StoredKeySet, kid: string): StoredKeySet {
  const key = set.keys.find((k) => k.kid === kid);
  if (!key) throw new IssuerError('ERR_UNKNOWN_KEY', `key ${kid} is not in the key ring`);
  if (key.state === 'active')
    throw new IssuerError('ERR_INVALID_KEY', `key ${kid} is the active key: rotate before removing it`);
  return { keys: set.keys.filter((k) => k.kid !== kid) };
}

function promote(set: StoredKeySet, now: number, timing: KeyTiming): StoredKeySet {
  return {
    keys: set.keys.map((key): StoredKey => {
      if (key.state === 'next') return { ...key, state: 'active', activatedAtMs: now };
      if (key.state === 'active')
        return { ...key, state: 'retired', retiredAtMs: now, removeAtMs: now + timing.retainMs };
      return key;
    }),
  };
}
