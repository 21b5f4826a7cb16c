import type { StoredKey } from '@jwks-kit/issuer';
import { formatTable } from './format-table.js';
import { formatRelative, formatUtc } from './format-time.js';

/**
 * One key as `keys list --json` shows it: public facts only, times in milliseconds since the epoch under the
 * names of the issuer's `KeyInfo` (the table shows them in UTC).
 */
export interface KeyListEntry {
  readonly kid: string;
  readonly state: StoredKey['state'];
  /** The one algorithm the key signs with. */
  readonly alg: StoredKey['alg'];
  /** RSA modulus length; 256 for P-256 and Ed25519. */
  readonly bits: number;
  readonly createdAtMs: number;
  /** Earliest instant the key may sign (a next key: earliest rotation without --now). */
  readonly activatesAtMs: number;
  /** When the key started signing (active and retired keys). */
  readonly activatedAtMs?: number;
  readonly retiredAtMs?: number;
  /** When a retired key leaves the JWKS. */
  readonly removeAtMs?: number;
}

/** Public facts about stored keys: never `d`, `p`, `q` or any other private member. */
export function listKeys(keys: readonly StoredKey[]): KeyListEntry[] {
  return [...keys]
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .map((key) => ({
      kid: key.kid,
      state: key.state,
      alg: key.alg,
      bits: keyBits(key),
      createdAtMs: key.createdAtMs,
      activatesAtMs: key.activatesAtMs,
      ...(key.activatedAtMs === undefined ? {} : { activatedAtMs: key.activatedAtMs }),
      ...(key.retiredAtMs === undefined ? {} : { retiredAtMs: key.retiredAtMs }),
      ...(key.removeAtMs === undefined ? {} : { removeAtMs: key.removeAtMs }),
    }));
}

/** Key size in bits: the RSA modulus length, 256 for P-256 and Ed25519 keys. */
function keyBits(key: StoredKey): number {
  return key.kty === 'RSA' ? Buffer.from(key.n, 'base64url').length * 8 : 256;
}

function when(ms: number | undefined, nowMs: number, missing: string): string {
  return ms === undefined ? missing : `${formatUtc(ms)} (${formatRelative(ms, nowMs)})`;
}

/** The `keys list` table: kid, state, alg, bits, created, activates, retires, leaves the JWKS. */
export function formatKeyTable(keys: readonly StoredKey[], nowMs: number): string {
  const rows = [...keys]
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .map((key) => [
      key.kid,
      key.state,
      key.alg,
      String(keyBits(key)),
      when(key.createdAtMs, nowMs, '-'),
      when(key.activatedAtMs ?? key.activatesAtMs, nowMs, '-'),
      when(key.retiredAtMs, nowMs, key.state === 'active' ? 'on rotation' : '-'),
      when(key.removeAtMs, nowMs, '-'),
    ]);
  return formatTable(rows, ['KID', 'STATE', 'ALG', 'BITS', 'CREATED', 'ACTIVATES', 'RETIRES', 'LEAVES JWKS']);
}
