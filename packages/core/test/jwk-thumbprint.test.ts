import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { jwkThumbprint, jwkThumbprintInput } from '../src/index.js';

describe('jwkThumbprint (RFC 7638)', () => {
  it('the RFC 7638 §3.1 example RSA key', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('the RFC 9449 example P-256 key (its cnf.jkt)', () => {
    const jwk = {
      kty: 'EC',
      x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs',
      y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA',
      crv: 'P-256',
    };
    expect(jwkThumbprint(jwk)).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
  });

  it.each([
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['Ed25519', () => generateKeyPairSync('ed25519')],
  ])(
    '%s: the same as jose, for the public and the private JWK, whatever the member order and extras',
    async (_n, gen) => {
      for (let i = 0; i < 5; i += 1) {
        const { publicKey, privateKey } = gen();
        const publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
        const expected = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
        expect(jwkThumbprint(publicJwk)).toBe(expected);
        expect(jwkThumbprint(privateKey.export({ format: 'jwk' }) as Record<string, string>)).toBe(expected);
        const reordered = Object.fromEntries(Object.entries({ ...publicJwk, kid: 'k', use: 'sig' }).reverse());
        expect(jwkThumbprint(reordered)).toBe(expected);
      }
    },
  );

  it('the input is the required members in lexicographic order without whitespace', () => {
    expect(jwkThumbprintInput({ y: 'Y', x: 'X', kty: 'EC', crv: 'P-256', kid: 'k' })).toBe(
      '{"crv":"P-256","kty":"EC","x":"X","y":"Y"}',
    );
    expect(jwkThumbprintInput({ x: 'X', kty: 'OKP', crv: 'Ed25519', d: 'D' })).toBe(
      '{"crv":"Ed25519","kty":"OKP","x":"X"}',
    );
  });

  it('throws for oct, unknown key types and curves, and missing members', () => {
    expect(() => jwkThumbprint({ kty: 'oct', k: 'AAAA' })).toThrow(TypeError);
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-384', x: 'X', y: 'Y' })).toThrow(TypeError);
    expect(() => jwkThumbprint({ kty: 'RSA', n: 'AQAB' })).toThrow('member `e` must be a string');
  });
});
