/** Strict compact JWS: exactly three unpadded base64url segments, nothing else. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Header and payload of a compact JWS, decoded but NOT verified. */
export interface DecodedCompactJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

/**
 * Decodes a compact JWS after checking its syntax: three base64url segments of canonical lengths
 * whose first two are UTF-8 JSON objects. Answers `undefined` for anything else (never throws).
 * The caller has already capped the length.
 */
export function decodeCompactJws(token: string): DecodedCompactJws | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot % 4 === 1 || (secondDot - firstDot - 1) % 4 === 1 || (token.length - secondDot - 1) % 4 === 1) return undefined;
  const header = parseJsonObject(token.slice(0, firstDot));
  if (header === undefined) return undefined;
  const payload = parseJsonObject(token.slice(firstDot + 1, secondDot));
  if (payload === undefined) return undefined;
  return { header, payload };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
