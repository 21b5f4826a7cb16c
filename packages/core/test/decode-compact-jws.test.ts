import fc from 'fast-check';
import { createCompactJwsDecoder, decodeCompactJws } from '../src/decode-compact-jws.js';
import { decodeBase64url, isCanonicalBase64urlEnd } from '../src/decode-base64url.js';
import { b64 } from './lib/jws-mutations.js';

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The oracle: the alphabet as a regular expression (what decodeBase64url replaced), and a length not ≡ 1 mod 4. */
const isUnpaddedBase64url = (text: string) => /^[A-Za-z0-9_-]+$/.test(text) && text.length % 4 !== 1;

/** The oracle of decodeCompactJws: the strict compact-JWS regex, canonical ends, JSON objects. */
function oracle(token: string): { header: unknown; payload: unknown } | undefined {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const segments = token.split('.');
  if (!segments.every((segment) => isUnpaddedBase64url(segment) && isCanonicalBase64urlEnd(segment))) return undefined;
  const parse = (segment: string) => {
    try {
      const value: unknown = JSON.parse(
        new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')),
      );
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const [header, payload] = [parse(segments[0]!), parse(segments[1]!)];
  return header === undefined || payload === undefined ? undefined : { header, payload };
}

const token = (header: object, payload: object, signature = Buffer.alloc(256, 7)) =>
  `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.${b64(signature)}`;
const HEADER = { alg: 'RS256', typ: 'at+jwt', kid: 'k1' };
const PAYLOAD = { iss: 'https://auth.example.com', sub: 'user-1', exp: 1_700_000_300 };

describe('decodeBase64url', () => {
  it('accepts exactly the unpadded base64url alphabet: every one of the 65,536 code units, last in segments of 2, 3 and 4 characters and first in one of 4', () => {
    let refusedWide = 0;
    for (const length of [2, 3, 4]) {
      for (const at of length === 4 ? [0, 3] : [length - 1]) {
        for (let unit = 0; unit < 0x10000; unit += 1) {
          const text = `${'QUJDREVG'.slice(0, at)}${String.fromCharCode(unit)}${'QUJDREVG'.slice(at + 1, length)}`;
          const bytes = decodeBase64url(text);
          if ((bytes !== undefined) !== isUnpaddedBase64url(text))
            throw new Error(
              `U+${unit.toString(16)} at ${at} of ${length}: ${bytes === undefined ? 'refused' : 'accepted'}`,
            );
          if (bytes !== undefined) expect(bytes).toEqual(Buffer.from(text, 'base64url'));
          // the case a length check alone would miss: Node reads only the low byte of a wide code unit
          if (unit > 0xff && B64U.includes(String.fromCharCode(unit & 0xff))) {
            expect(Buffer.from(text, 'base64url').length).toBe(Math.floor((length * 3) / 4));
            refusedWide += 1;
          }
        }
      }
    }
    expect(refusedWide).toBe(4 * 255 * 64);
  });

  it('agrees with the alphabet on random strings of base64url, padding, whitespace, latin-1 and wide characters', () => {
    const unit = fc.constantFrom(
      ...B64U,
      ...B64U,
      '+',
      '/',
      '=',
      '.',
      ' ',
      '\n',
      '\0',
      '%',
      '\u00e9',
      '\u00ff',
      'Ł',
      'İ',
      '\ud83d',
      '\ude00',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        expect(decodeBase64url(text) !== undefined).toBe(isUnpaddedBase64url(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses the empty string, a length ≡ 1 mod 4, padding, + and /', () => {
    for (const text of ['', 'A', 'QUJDR', 'QQ==', 'QUI=', 'QU+D', 'QU/D', 'QUJD\n'])
      expect(decodeBase64url(text)).toBeUndefined();
    expect(decodeBase64url('QUJD')).toEqual(Buffer.from('ABC'));
  });
});

describe('decodeCompactJws', () => {
  it('decodes header, payload and signature bytes of a compact JWS, with its signing input as sent', () => {
    const signature = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = token(HEADER, PAYLOAD, signature);
    expect(decodeCompactJws(text)).toEqual({
      header: HEADER,
      payload: PAYLOAD,
      signingInput: text.split('.').slice(0, 2).join('.'),
      signature,
    });
  });

  it('agrees with the strict regex, canonical ends and JSON objects on 5,000 mutations of a token', () => {
    const base = token(HEADER, PAYLOAD, Buffer.alloc(32, 1));
    const char = fc.constantFrom(...B64U, '.', '=', '+', '/', ' ', '\t', '\u00e9', 'Ł', 'İ', 'ł', '\ud800');
    const edit = fc.record({ at: fc.nat(), char, remove: fc.boolean(), insert: fc.boolean() });
    const decoder = createCompactJwsDecoder();
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = base;
        for (const { at, char: c, remove, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + (remove && !insert ? '' : c) + text.slice(insert ? i : i + 1);
        }
        const expected = oracle(text);
        for (const decode of [decodeCompactJws, decoder]) {
          const decoded = decode(text);
          expect({ text, accepted: decoded !== undefined }).toEqual({ text, accepted: expected !== undefined });
          if (decoded === undefined) continue;
          expect({ header: decoded.header, payload: decoded.payload }).toEqual(expected);
          expect(decoded.signingInput).toBe(text.slice(0, text.lastIndexOf('.')));
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses a wide character whose low byte is a base64url character, in any segment (Node would decode it as that character)', () => {
    const valid = token(HEADER, PAYLOAD);
    const segments = valid.split('.');
    for (let index = 0; index < 3; index += 1) {
      const segment = segments[index]!;
      const at = segment.indexOf('A') === -1 ? 0 : segment.indexOf('A');
      const wide = segment.slice(0, at) + 'Ł' + segment.slice(at + 1); // U+0141: low byte 0x41, 'A'
      const altered = segments.map((part, i) => (i === index ? wide : part)).join('.');
      expect(
        Buffer.from(wide, 'base64url').equals(
          Buffer.from(segment.slice(0, at) + 'A' + segment.slice(at + 1), 'base64url'),
        ),
      ).toBe(true);
      expect(decodeCompactJws(altered)).toBeUndefined();
      expect(createCompactJwsDecoder()(altered)).toBeUndefined();
    }
  });
});

describe('createCompactJwsDecoder', () => {
  it('parses a header segment once: tokens that share it get the same frozen header', () => {
    const decode = createCompactJwsDecoder();
    const first = decode(token(HEADER, PAYLOAD))!;
    const second = decode(token(HEADER, { ...PAYLOAD, sub: 'user-2' }))!;
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(second.payload).toEqual({ ...PAYLOAD, sub: 'user-2' });
    expect(decode(token({ ...HEADER, kid: 'k2' }, PAYLOAD))!.header).toEqual({ ...HEADER, kid: 'k2' });
  });

  it('never keeps a header holding an object or an array, and plain decodeCompactJws keeps none', () => {
    const decode = createCompactJwsDecoder();
    const nested = { ...HEADER, jwk: { kty: 'EC' } };
    const a = decode(token(nested, PAYLOAD))!;
    const b = decode(token(nested, PAYLOAD))!;
    expect(a.header).not.toBe(b.header);
    expect(Object.isFrozen(a.header)).toBe(false);
    expect(decodeCompactJws(token(HEADER, PAYLOAD))!.header).not.toBe(decodeCompactJws(token(HEADER, PAYLOAD))!.header);
  });

  it('stays exact beyond the headers it keeps: 50 headers in turn, each decoded as its own', () => {
    const decode = createCompactJwsDecoder(4);
    for (let round = 0; round < 3; round += 1)
      for (let kid = 0; kid < 50; kid += 1)
        expect(decode(token({ ...HEADER, kid: `k${kid}` }, PAYLOAD))!.header).toEqual({ ...HEADER, kid: `k${kid}` });
  });
});
