/** Strict compact JWS: exactly three unpadded base64url segments, nothing else. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Header and payload of a compact JWS, decoded but NOT verified. */
export interface DecodedCompactJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

/**
 * Decodes a compact JWS after checking its syntax: three canonical base64url segments (no length
 * ≡ 1 mod 4, unused bits of the last character zero, so each byte string has exactly one encoding
 * and a token cannot be altered without changing its bytes) whose first two are UTF-8 JSON objects.
 * Answers `undefined` for anything else (never throws). The caller has already capped the length.
 */
export function decodeCompactJws(token: string): DecodedCompactJws | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (
    !isCanonicalEnd(token, 0, firstDot) ||
    !isCanonicalEnd(token, firstDot + 1, secondDot) ||
    !isCanonicalEnd(token, secondDot + 1, token.length)
  )
    return undefined;
  const header = parseJsonObject(token.slice(0, firstDot));
  if (header === undefined) return undefined;
  const payload = parseJsonObject(token.slice(firstDot + 1, secondDot));
  if (payload === undefined) return undefined;
  return { header, payload };
}

/** Last characters whose unused low bits are zero: 4 unused bits (2-character remainder), 2 unused bits (3-character remainder). */
const FOUR_BITS_CLEAR = 'AQgw';
const TWO_BITS_CLEAR = 'AEIMQUYcgkosw048';

/**
 * Whether the base64url segment `token[start, end)` is canonical: its length is not ≡ 1 mod 4 and
 * the unused low bits of its last character are zero (decoders ignore them, so they would give
 * another string for the same bytes). One character check, no decoding.
 */
function isCanonicalEnd(token: string, start: number, end: number): boolean {
  const remainder = (end - start) % 4;
  if (remainder === 0) return true;
  if (remainder === 1) return false;
  return (remainder === 2 ? FOUR_BITS_CLEAR : TWO_BITS_CLEAR).includes(token.charAt(end - 1));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
