import { decodeBase64url, isCanonicalBase64urlEnd } from './decode-base64url.js';

/** Header and payload of a compact JWS, decoded but NOT verified, and its signature's bytes. */
export interface DecodedCompactJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** What the signature signs: the token's first two segments and the dot between them, exactly as sent. */
  readonly signingInput: string;
  /** The third segment, decoded. */
  readonly signature: Buffer;
}

/**
 * Decodes a compact JWS after checking its syntax: exactly three canonical base64url segments (only
 * `A–Z a–z 0–9 - _`, no length ≡ 1 mod 4, unused bits of the last character zero, so each byte string has exactly
 * one encoding and a token cannot be altered without changing its bytes) whose first two are UTF-8 JSON objects.
 * Answers `undefined` for anything else (never throws). The caller has already capped the length.
 */
export function decodeCompactJws(token: string): DecodedCompactJws | undefined {
  return decode(token, undefined, 0);
}

/**
 * A {@link decodeCompactJws} that parses each header segment once: the tokens one key signs share their header
 * segment, so the last `maxHeaders` distinct ones are kept with their decoded header, matched by exact text.
 * A kept header is frozen and shared by every token that carries it; a header holding an object or an array is
 * never kept.
 */
export function createCompactJwsDecoder(maxHeaders = 8): (token: string) => DecodedCompactJws | undefined {
  const headers = new Map<string, Record<string, unknown>>();
  return (token) => decode(token, headers, maxHeaders);
}

function decode(
  token: string,
  headers: Map<string, Record<string, unknown>> | undefined,
  maxHeaders: number,
): DecodedCompactJws | undefined {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot === -1 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  const signature = decodeSegment(token.slice(secondDot + 1));
  if (signature === undefined) return undefined;
  const headerText = token.slice(0, firstDot);
  let header = headers?.get(headerText);
  if (header === undefined) {
    header = parseJsonObject(headerText);
    if (header === undefined) return undefined;
    if (headers !== undefined && isFlat(header)) {
      if (headers.size >= maxHeaders) headers.clear();
      headers.set(headerText, Object.freeze(header));
    }
  }
  const payload = parseJsonObject(token.slice(firstDot + 1, secondDot));
  if (payload === undefined) return undefined;
  return { header, payload, signingInput: token.slice(0, secondDot), signature };
}

/** The bytes of a canonical base64url segment, or `undefined`. */
function decodeSegment(segment: string): Buffer | undefined {
  return isCanonicalBase64urlEnd(segment) ? decodeBase64url(segment) : undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeSegment(segment);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether every member of `header` is a primitive (so that freezing it freezes all of it). */
function isFlat(header: Record<string, unknown>): boolean {
  for (const value of Object.values(header)) if (typeof value === 'object' && value !== null) return false;
  return true;
}
