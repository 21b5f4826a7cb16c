import { COOKIE_VECTORS, ORIGIN_VECTORS, VECTOR_ALLOWED_ORIGIN, cookieHeader } from '@jwks-kit/test-kit';
import { isAllowedOrigin, parseAllowedOriginsOption, readCookie } from '../src/index.js';

const allowed = new Set([VECTOR_ALLOWED_ORIGIN]);

describe('isAllowedOrigin: the shared origin vectors', () => {
  it.each(ORIGIN_VECTORS.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    expect(isAllowedOrigin(vector, allowed) ? 'allowed' : 'refused').toBe(vector.expected);
  });

  it('lets every safe method through, whatever the headers', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(isAllowedOrigin({ method, headers: { origin: 'https://evil.example' } }, allowed)).toBe(true);
  });
});

describe('readCookie: the shared cookie vectors', () => {
  it.each(COOKIE_VECTORS.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const read = readCookie(cookieHeader(vector, '__Secure-refresh_token', 'abc_DEF-123'), '__Secure-refresh_token');
    expect(read.kind === 'value' ? 'read' : read.kind).toBe(vector.expected);
    if (read.kind === 'value') expect(read.value).toBe('abc_DEF-123');
  });

  it('percent-decodes like cookie-parser and keeps a value that does not decode', () => {
    expect(readCookie('a=x%20y', 'a')).toEqual({ kind: 'value', value: 'x y' });
    expect(readCookie('a=%E0%A4%A', 'a')).toEqual({ kind: 'value', value: '%E0%A4%A' });
    expect(readCookie(undefined, 'a')).toEqual({ kind: 'absent' });
  });
});

describe('parseAllowedOriginsOption', () => {
  it.each([['https://app.example.com/'], ['https://app.example.com/path'], ['app.example.com'], ['null']])(
    'refuses %s with a TypeError naming the option',
    (origin) => {
      expect(() => parseAllowedOriginsOption([origin])).toThrow(/^option `allowedOrigins` must hold origins/);
    },
  );
});
