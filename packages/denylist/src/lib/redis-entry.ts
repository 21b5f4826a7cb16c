import type { Revocation } from './revocation-rules.js';
import type { RedisKeyParts } from './redis-keys.js';

/** The stored value: `<expiresAtMs>` for a jti, `<at>:<expiresAtMs>` for a subject or a session. */
export function encodeValue(revocation: Revocation): string {
  return revocation.kind === 'jti' ? String(revocation.expiresAtMs) : `${revocation.at}:${revocation.expiresAtMs}`;
}

/** Rebuilds a revocation from its key parts and stored value; undefined when the value is malformed. */
export function decodeEntry(parts: RedisKeyParts, value: string): Revocation | undefined {
  if (parts.kind === 'jti') {
    const expiresAtMs = Number(value);
    return Number.isFinite(expiresAtMs) ? { kind: 'jti', ns: parts.ns, id: parts.id, expiresAtMs } : undefined;
  }
  const separator = value.indexOf(':');
  const at = Number(value.slice(0, separator));
  const expiresAtMs = Number(value.slice(separator + 1));
  if (separator < 0 || !Number.isFinite(at) || !Number.isFinite(expiresAtMs)) return undefined;
  return { kind: parts.kind, ns: parts.ns, id: parts.id, at, expiresAtMs };
}

/** One entry of a revocation stream, as the revocation scripts append it (`n`, `k`, `v`, `t`). */
export interface StreamEntry {
  /** Position in the stream since it was created: 1, 2, 3… */
  readonly n: number;
  readonly key: string;
  readonly value: string;
  /** The writer's clock when it wrote (ms). */
  readonly sentAtMs: number;
}

/** Reads the fields of a stream entry (`[name, value, …]`); undefined when they are not what the scripts write. */
export function decodeStreamEntry(fields: readonly string[]): StreamEntry | undefined {
  if (fields[0] !== 'n' || fields[2] !== 'k' || fields[4] !== 'v' || fields[6] !== 't') return undefined;
  const n = Number(fields[1]);
  const sentAtMs = Number(fields[7]);
  const key = fields[3];
  const value = fields[5];
  if (!Number.isSafeInteger(n) || n < 1 || !Number.isFinite(sentAtMs) || key === undefined || value === undefined)
    return undefined;
  return { n, key, value, sentAtMs };
}
