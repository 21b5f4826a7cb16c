/**
 * A code unit above 0xFF. Node's base64 decoders read only the low byte of each code unit (`Ł`, U+0141, decodes
 * as `A`), so such text must be refused before it is decoded. On a one-byte string V8 answers without scanning.
 */
const WIDE = /[\u0100-\uffff]/;

/**
 * The bytes of `text` when it is unpadded base64url: one or more characters of `A–Z a–z 0–9 - _`, a length not
 * ≡ 1 mod 4; `undefined` for anything else (never throws). The alphabet is checked without a scan in JavaScript:
 * Node's decoder drops, or stops at, every one-byte character outside `A–Z a–z 0–9 - _ + /`, and for a length
 * not ≡ 1 mod 4 one character fewer always decodes to fewer than ⌊3·length/4⌋ bytes; so with `+`, `/` and wide
 * code units refused first, the decoded length is ⌊3·length/4⌋ exactly when every character is in the alphabet.
 * It does not check the unused bits of the last character (see {@link isCanonicalBase64urlEnd}).
 */
export function decodeBase64url(text: string): Buffer | undefined {
  const length = text.length;
  if (length === 0 || length % 4 === 1) return undefined;
  if (text.indexOf('+') !== -1 || text.indexOf('/') !== -1 || WIDE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === (length * 3) >>> 2 ? bytes : undefined;
}

/** Last characters whose unused low bits are zero: 4 unused bits (2-character remainder), 2 unused bits (3-character remainder). */
const FOUR_BITS_CLEAR = 'AQgw';
const TWO_BITS_CLEAR = 'AEIMQUYcgkosw048';

/**
 * Whether the unused low bits of the last character of the base64url text `text` are zero (decoders ignore
 * them, so they would give another string for the same bytes): with {@link decodeBase64url}, each byte string
 * then has exactly one encoding. One character check, no decoding.
 */
export function isCanonicalBase64urlEnd(text: string): boolean {
  const remainder = text.length % 4;
  if (remainder === 0) return true;
  if (remainder === 1) return false;
  return (remainder === 2 ? FOUR_BITS_CLEAR : TWO_BITS_CLEAR).includes(text.charAt(text.length - 1));
}
