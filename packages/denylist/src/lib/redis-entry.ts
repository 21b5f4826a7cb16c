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

/** The pub/sub message: `<sentAtMs>|<value>|<key>` (the key last, as it may contain `|`). */
export function encodeMessage(sentAtMs: number, value: string, key: string): string {
  return `${sentAtMs}|${value}|${key}`;
}

/** Splits a pub/sub message; undefined when malformed. */
export function decodeMessage(message: string): { sentAtMs: number; value: string; key: string } | undefined {
  const first = message.indexOf('|');
  const second = message.indexOf('|', first + 1);
  if (first < 0 || second < 0) return undefined;
  const sentAtMs = Number(message.slice(0, first));
  if (!Number.isFinite(sentAtMs)) return undefined;
  return { sentAtMs, value: message.slice(first + 1, second), key: message.slice(second + 1) };
}
