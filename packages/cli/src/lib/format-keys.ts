import type { StoredKey } from '@jwks-kit/issuer';
import { formatTable } from './format-table.js';
import { formatRelative, formatUtc } from './format-time.js';

/** One key as `keys list --json` shows it: public facts only, times in UTC. */
export interface KeyListEntry {
  readonly kid: string;
  readonly state: StoredKey['state'];
  /** The one algorithm the key signs with. */
  readonly alg: StoredKey['alg'];
  /** RSA modulus length; 256 for P-256 and Ed25519. */
  readonly bits: number;
  readonly createdAt: string;
  /** When the key signs (active: when it started; next: earliest rotation without --now). */
  readonly activatesAt: string;
  readonly retiredAt?: string;
  /** When a retired key leaves the JWKS. */
  readonly removeAt?: string;
}

/** Public facts about stored keys: never `d`, `p`, `q` or any other private member. */
export function listKeys(keys: readonly StoredKey[]): KeyListEntry[] {
  return [...keys]
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((key) => ({
      kid: key.kid,
      state: key.state,
      alg: key.alg,
      bits: keyBits(key),
      createdAt: formatUtc(key.createdAt),
      activatesAt: formatUtc(key.activatedAt ?? key.activatesAt),
      ...(key.retiredAt === undefined ? {} : { retiredAt: formatUtc(key.retiredAt) }),
      ...(key.removeAt === undefined ? {} : { removeAt: formatUtc(key.removeAt) }),
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
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((key) => [
      key.kid,
      key.state,
      key.alg,
      String(keyBits(key)),
      when(key.createdAt, nowMs, '-'),
      when(key.activatedAt ?? key.activatesAt, nowMs, '-'),
      when(key.retiredAt, nowMs, key.state === 'active' ? 'on rotation' : '-'),
      when(key.removeAt, nowMs, '-'),
    ]);
  return formatTable(rows, ['KID', 'STATE', 'ALG', 'BITS', 'CREATED', 'ACTIVATES', 'RETIRES', 'LEAVES JWKS']);
}
