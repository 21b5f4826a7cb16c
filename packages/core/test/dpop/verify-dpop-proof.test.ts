import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import {
  accessTokenHash,
  createDpopNonces,
  DpopProofError,
  MAX_DPOP_PROOF_LENGTH,
  verifyDpopProof,
  type DpopProofExpectation,
  type JwsAlgorithm,
} from '../../src/index.js';
import {
  craftDpopProof as craftProof,
  createDpopKey as proofKey,
  whilePrototypePolluted,
  type ProofKey,
} from '@jwks-kit/test-kit';

const NOW = 1_800_000_000;
const URL_ = 'https://api.example.com/orders';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const BASE: DpopProofExpectation = {
  method: 'GET',
  url: URL_,
  accessToken: TOKEN,
  algorithms: ['ES256', 'EdDSA'],
  nowSeconds: NOW,
  iatWindowSeconds: 60,
  leewaySeconds: 5,
};
const request = { method: 'GET', url: URL_, iat: NOW, accessToken: TOKEN };

let es256: ProofKey;
let eddsa: ProofKey;
let rs256: ProofKey;
let other: ProofKey;

beforeAll(() => {
  es256 = proofKey('ES256');
  eddsa = proofKey('EdDSA');
  rs256 = proofKey('RS256');
  other = proofKey('ES256');
});

/** Runs the check and answers the error's code and reason (or 'accepted'). */
function outcome(proof: string, expected: Partial<DpopProofExpectation> = {}): string {
  try {
    verifyDpopProof(proof, { ...BASE, ...expected });
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DpopProofError)) throw error;
    expect(error.message).not.toContain(String(proof).slice(0, 20));
    return `${error.code}/${error.reason}`;
  }
}

const INVALID = (reason: string) => `invalid_dpop_proof/${reason}`;

describe('verifyDpopProof: accepted proofs', () => {
  it.each(['ES256', 'EdDSA'] as const)(
    '%s: returns the RFC 7638 thumbprint jose computes, jti, iat and alg',
    async (alg) => {
      const key = alg === 'ES256' ? es256 : eddsa;
      const proof = craftProof(key, request, { payload: { jti: 'j-1' } });
      const verified = verifyDpopProof(proof, BASE);
      expect(verified).toEqual({
        jkt: await calculateJwkThumbprint(key.publicJwk as JWK, 'sha256'),
        jti: 'j-1',
        iat: NOW,
        alg,
      });
      expect(Object.isFrozen(verified)).toBe(true);
    },
  );

  it('RS256 and PS256 proofs from RSA 2048 keys when allowed', () => {
    expect(outcome(craftProof(rs256, request), { algorithms: ['RS256'] })).toBe('accepted');
    const ps: ProofKey = { ...rs256, alg: 'PS256' };
    expect(outcome(craftProof(ps, request), { algorithms: ['PS256'] })).toBe('accepted');
  });

  it('a proof built by jose (SignJWT) is accepted (differential)', async () => {
    for (const key of [es256, eddsa]) {
      const proof = await new SignJWT({ htm: 'GET', htu: URL_, ath: accessTokenHash(TOKEN) })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk as JWK })
        .setIssuedAt(NOW)
        .setJti('jose-1')
        .sign(key.privateKey);
      expect(verifyDpopProof(proof, BASE).jti).toBe('jose-1');
    }
  });

  it('jose verifies what we accept, with the header key (differential)', async () => {
    const { jwtVerify, EmbeddedJWK } = await import('jose');
    const proof = craftProof(es256, request);
    verifyDpopProof(proof, BASE);
    const { protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
  });

  it('typ is compared without case (a media type)', () => {
    expect(outcome(craftProof(es256, request, { header: { typ: 'DPoP+JWT' } }))).toBe('accepted');
  });

  it('at a token endpoint (no access token) ath is not required', () => {
    const proof = craftProof(es256, { method: 'POST', url: 'https://as.example.com/token', iat: NOW });
    expect(outcome(proof, { method: 'POST', url: 'https://as.example.com/token', accessToken: undefined })).toBe(
      'accepted',
    );
  });
});

describe('verifyDpopProof: syntax', () => {
  it.each([
    ['two segments', (p: string) => p.split('.').slice(0, 2).join('.')],
    ['four segments', (p: string) => `${p}.${p.split('.')[2]}`],
    ['five segments (a JWE shape)', (p: string) => `${p}.AAAA.BBBB`],
    ['padding', (p: string) => `${p}==`],
    ['a space', (p: string) => ` ${p}`],
    ['an empty signature', (p: string) => p.replace(/[^.]+$/, '')],
  ])('%s → syntax', (_name, mangle) => {
    expect(outcome(mangle(craftProof(es256, request)))).toBe(INVALID('syntax'));
  });

  it('a header that is not JSON, or JSON but not an object', () => {
    const rest = craftProof(es256, request).split('.').slice(1).join('.');
    expect(outcome(`${Buffer.from('not json').toString('base64url')}.${rest}`)).toBe(INVALID('syntax'));
    expect(outcome(`${Buffer.from('[1]').toString('base64url')}.${rest}`)).toBe(INVALID('syntax'));
  });

  it(`a proof longer than ${MAX_DPOP_PROOF_LENGTH} characters`, () => {
    const proof = craftProof(es256, request, { payload: { pad: 'x'.repeat(MAX_DPOP_PROOF_LENGTH) } });
    expect(outcome(proof)).toBe(INVALID('syntax'));
  });

  it('a crit header (no extension is understood)', () => {
    expect(outcome(craftProof(es256, request, { header: { crit: ['b64'], b64: false } }))).toBe(INVALID('syntax'));
  });

  it('not a string', () => {
    expect(outcome(undefined as unknown as string)).toBe(INVALID('syntax'));
  });
});

describe('verifyDpopProof: typ', () => {
  it.each([['JWT'], ['at+jwt'], ['application/jwt'], [1]])('typ %p', (typ) => {
    expect(outcome(craftProof(es256, request, { header: { typ } }))).toBe(INVALID('typ'));
  });
  it('typ missing', () => {
    expect(outcome(craftProof(es256, request, { omitHeader: ['typ'] }))).toBe(INVALID('typ'));
  });
});

describe('verifyDpopProof: alg', () => {
  it('alg none with a signature segment', () => {
    expect(outcome(craftProof(es256, request, { header: { alg: 'none' } }))).toBe(INVALID('alg'));
  });

  it('HS256 (an HMAC keyed with anything), even when an algorithms list names it', () => {
    const proof = craftProof(es256, request, { header: { alg: 'HS256' } });
    const [h, p] = proof.split('.');
    const mac = createHmac('sha256', randomBytes(32)).update(`${h}.${p}`).digest('base64url');
    const hs = `${h}.${p}.${mac}`;
    expect(outcome(hs)).toBe(INVALID('alg'));
    expect(outcome(hs, { algorithms: ['ES256', 'HS256'] as JwsAlgorithm[] })).toBe(INVALID('alg'));
  });

  it('an asymmetric alg outside the allowed list', () => {
    expect(outcome(craftProof(rs256, request))).toBe(INVALID('alg'));
    expect(outcome(craftProof(eddsa, request), { algorithms: ['ES256'] })).toBe(INVALID('alg'));
  });

  it.each([['ES384'], ['RS1'], ['es256'], [undefined]])('alg %p', (alg) => {
    const parts = alg === undefined ? { omitHeader: ['alg'] } : { header: { alg } };
    expect(outcome(craftProof(es256, request, parts))).toBe(INVALID('alg'));
  });
});

describe('verifyDpopProof: jwk', () => {
  it('missing, or not an object', () => {
    expect(outcome(craftProof(es256, request, { omitHeader: ['jwk'] }))).toBe(INVALID('jwk'));
    expect(outcome(craftProof(es256, request, { header: { jwk: 'key' } }))).toBe(INVALID('jwk'));
    expect(outcome(craftProof(es256, request, { header: { jwk: [es256.publicJwk] } }))).toBe(INVALID('jwk'));
  });

  it('carrying the private key (d), even when the signature verifies', () => {
    const privateJwk = es256.privateKey.export({ format: 'jwk' });
    expect(outcome(craftProof(es256, request, { header: { jwk: privateJwk } }))).toBe(INVALID('jwk'));
    const rsaPrivate = rs256.privateKey.export({ format: 'jwk' });
    expect(outcome(craftProof(rs256, request, { header: { jwk: rsaPrivate } }), { algorithms: ['RS256'] })).toBe(
      INVALID('jwk'),
    );
  });

  it.each(['k', 'p', 'priv'])('carrying a private or symmetric member %s', (member) => {
    const jwk = { ...es256.publicJwk, [member]: 'AAAA' };
    expect(outcome(craftProof(es256, request, { header: { jwk } }))).toBe(INVALID('jwk'));
  });

  it('a key of another type than the alg (EC key, alg EdDSA; OKP key, alg ES256)', () => {
    expect(outcome(craftProof(es256, request, { header: { alg: 'EdDSA' }, signWith: eddsa.privateKey }))).toBe(
      INVALID('jwk'),
    );
    expect(outcome(craftProof(eddsa, request, { header: { alg: 'ES256' }, signWith: es256.privateKey }))).toBe(
      INVALID('jwk'),
    );
  });

  it('a jwk whose own alg, use or key_ops says otherwise', () => {
    expect(outcome(craftProof(es256, request, { header: { jwk: { ...es256.publicJwk, alg: 'ES384' } } }))).toBe(
      INVALID('jwk'),
    );
    expect(outcome(craftProof(es256, request, { header: { jwk: { ...es256.publicJwk, use: 'enc' } } }))).toBe(
      INVALID('jwk'),
    );
    expect(outcome(craftProof(es256, request, { header: { jwk: { ...es256.publicJwk, key_ops: ['encrypt'] } } }))).toBe(
      INVALID('jwk'),
    );
    expect(outcome(craftProof(es256, request, { header: { jwk: { ...es256.publicJwk, alg: 'ES256' } } }))).toBe(
      'accepted',
    );
  });

  it('RSA under 2048 bits, even with a valid signature', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const key: ProofKey = {
      alg: 'RS256',
      privateKey: small.privateKey,
      publicJwk: small.publicKey.export({ format: 'jwk' }) as Record<string, string>,
    };
    expect(outcome(craftProof(key, request), { algorithms: ['RS256'] })).toBe(INVALID('jwk'));
  });

  it('a P-256 point off the curve, another curve, or a short coordinate', () => {
    const offCurve = { ...es256.publicJwk, y: es256.publicJwk.x };
    expect(outcome(craftProof(es256, request, { header: { jwk: offCurve } }))).toBe(INVALID('jwk'));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    expect(outcome(craftProof(es256, request, { header: { jwk: p384 } }))).toBe(INVALID('jwk'));
    expect(outcome(craftProof(es256, request, { header: { jwk: { ...es256.publicJwk, x: 'AAAA' } } }))).toBe(
      INVALID('jwk'),
    );
  });

  it('an oct key', () => {
    expect(outcome(craftProof(es256, request, { header: { jwk: { kty: 'oct', k: 'AAAA' } } }))).toBe(INVALID('jwk'));
  });
});

describe('verifyDpopProof: the proof-key cache', () => {
  it('a key accepted once is still checked against the alg, the private members and the signature', () => {
    expect(outcome(craftProof(es256, request))).toBe('accepted');
    // same jwk JSON, another alg: not a cache hit
    expect(outcome(craftProof(es256, request, { header: { alg: 'EdDSA' }, signWith: eddsa.privateKey }))).toBe(
      INVALID('jwk'),
    );
    // same jwk plus d: other JSON, refused
    const withD = { ...es256.publicJwk, d: (es256.privateKey.export({ format: 'jwk' }) as { d: string }).d };
    expect(outcome(craftProof(es256, request, { header: { jwk: withD } }))).toBe(INVALID('jwk'));
    // same jwk, another signer: the cached key still verifies the signature
    expect(outcome(craftProof(es256, request, { signWith: other.privateKey }))).toBe(INVALID('signature'));
    expect(outcome(craftProof(es256, request))).toBe('accepted');
  });

  it('more than 1,024 distinct keys: the oldest are dropped and re-checked, each answer the same', () => {
    const keys = Array.from({ length: 1030 }, () => proofKey('EdDSA'));
    for (const key of keys) expect(outcome(craftProof(key, request))).toBe('accepted');
    expect(outcome(craftProof(keys[0] as ProofKey, request))).toBe('accepted');
    expect(outcome(craftProof(keys[0] as ProofKey, request, { signWith: eddsa.privateKey }))).toBe(
      INVALID('signature'),
    );
  });
});

describe('verifyDpopProof: signature', () => {
  it('signed by another key than the jwk header', () => {
    expect(outcome(craftProof(es256, request, { signWith: other.privateKey }))).toBe(INVALID('signature'));
    expect(outcome(craftProof(eddsa, request, { signWith: proofKey('EdDSA').privateKey }))).toBe(INVALID('signature'));
  });

  it('an ES256 signature in DER (valid for the key, but not the JWS encoding)', () => {
    expect(outcome(craftProof(es256, request, { der: true }))).toBe(INVALID('signature'));
  });

  it('r or s out of range (zero, or the group order)', () => {
    const proof = craftProof(es256, request);
    const [h, p] = proof.split('.');
    const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
    for (const sig of [Buffer.alloc(64), Buffer.concat([order, order]), Buffer.concat([Buffer.alloc(32, 1), order])])
      expect(outcome(`${h}.${p}.${sig.toString('base64url')}`)).toBe(INVALID('signature'));
  });

  it('a changed payload keeps the old signature', () => {
    const [h, , s] = craftProof(es256, request).split('.');
    const payload = Buffer.from(JSON.stringify({ jti: 'x', htm: 'GET', htu: URL_, iat: NOW })).toString('base64url');
    expect(outcome(`${h}.${payload}.${s}`)).toBe(INVALID('signature'));
  });

  it('a flipped bit in each of 64 signature positions', () => {
    const proof = craftProof(es256, request);
    const [h, p, s] = proof.split('.') as [string, string, string];
    const bytes = Buffer.from(s, 'base64url');
    for (let i = 0; i < 64; i += 1) {
      const flipped = Buffer.from(bytes);
      flipped[i] = (flipped[i] as number) ^ 1;
      expect(outcome(`${h}.${p}.${flipped.toString('base64url')}`)).toBe(INVALID('signature'));
    }
  });
});

describe('verifyDpopProof: jti', () => {
  it.each([
    ['missing', { omitPayload: ['jti'] }],
    ['empty', { payload: { jti: '' } }],
    ['a number', { payload: { jti: 12345 } }],
    ['257 characters', { payload: { jti: 'j'.repeat(257) } }],
  ])('%s', (_name, parts) => {
    expect(outcome(craftProof(es256, request, parts))).toBe(INVALID('jti'));
  });
  it('256 characters are accepted', () => {
    expect(outcome(craftProof(es256, request, { payload: { jti: 'j'.repeat(256) } }))).toBe('accepted');
  });
});

describe('verifyDpopProof: htm', () => {
  it.each([['POST'], ['get'], [undefined]])('htm %p for a GET', (htm) => {
    const parts = htm === undefined ? { omitPayload: ['htm'] } : { payload: { htm } };
    expect(outcome(craftProof(es256, request, parts))).toBe(INVALID('htm'));
  });
});

describe('verifyDpopProof: htu', () => {
  it.each([
    ['a query in the proof', `${URL_}?id=1`],
    ['a fragment in the proof', `${URL_}#top`],
    ['another origin', 'https://evil.example.com/orders'],
    ['another port', 'https://api.example.com:8443/orders'],
    ['another scheme', 'http://api.example.com/orders'],
    ['another path', 'https://api.example.com/orders/1'],
    ['a trailing slash', 'https://api.example.com/orders/'],
    ['path case', 'https://api.example.com/Orders'],
    ['user information', 'https://alice@api.example.com/orders'],
    ['a relative URL', '/orders'],
    ['not a URL', 'orders'],
    ['another scheme than http(s)', 'ftp://api.example.com/orders'],
  ])('%s', (_name, htu) => {
    expect(outcome(craftProof(es256, request, { payload: { htu } }))).toBe(INVALID('htu'));
  });

  it('missing or not a string', () => {
    expect(outcome(craftProof(es256, request, { omitPayload: ['htu'] }))).toBe(INVALID('htu'));
    expect(outcome(craftProof(es256, request, { payload: { htu: 42 } }))).toBe(INVALID('htu'));
  });

  it.each([
    ['scheme and host case', 'HTTPS://API.Example.COM/orders'],
    ['the default port', 'https://api.example.com:443/orders'],
    ['an unreserved character percent-encoded', 'https://api.example.com/%6Frders'],
    ['a dot segment', 'https://api.example.com/x/../orders'],
  ])('normalised: %s', (_name, htu) => {
    expect(outcome(craftProof(es256, request, { payload: { htu } }))).toBe('accepted');
  });

  it("the request URL's query and fragment are ignored", () => {
    expect(outcome(craftProof(es256, request), { url: `${URL_}?page=2#x` })).toBe('accepted');
  });
});

describe('verifyDpopProof: iat', () => {
  const window = BASE.iatWindowSeconds + BASE.leewaySeconds;
  it.each([
    ['too old', NOW - window - 1],
    ['too new', NOW + window + 1],
    ['years old', NOW - 3 * 365 * 86400],
  ])('%s', (_name, iat) => {
    expect(outcome(craftProof(es256, { ...request, iat }))).toBe(INVALID('iat'));
  });
  it('at the edges of window plus leeway', () => {
    expect(outcome(craftProof(es256, { ...request, iat: NOW - window }))).toBe('accepted');
    expect(outcome(craftProof(es256, { ...request, iat: NOW + window }))).toBe('accepted');
  });
  it.each([
    ['missing', { omitPayload: ['iat'] }],
    ['a string', { payload: { iat: String(NOW) } }],
  ])('%s', (_n, parts) => {
    expect(outcome(craftProof(es256, request, parts))).toBe(INVALID('iat'));
  });
  it('against the real clock: a proof made now passes, one made 10 minutes ago does not', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(outcome(craftProof(es256, { ...request, iat: now }), { nowSeconds: Date.now() / 1000 })).toBe('accepted');
    expect(outcome(craftProof(es256, { ...request, iat: now - 600 }), { nowSeconds: Date.now() / 1000 })).toBe(
      INVALID('iat'),
    );
  });
});

describe('verifyDpopProof: ath', () => {
  it('missing while an access token is presented', () => {
    expect(outcome(craftProof(es256, request, { omitPayload: ['ath'] }))).toBe(INVALID('ath'));
  });
  it('the hash of another token', () => {
    expect(outcome(craftProof(es256, { ...request, accessToken: `${TOKEN}x` }))).toBe(INVALID('ath'));
  });
  it('the token itself, or its hash in base64 with padding', () => {
    expect(outcome(craftProof(es256, request, { payload: { ath: TOKEN } }))).toBe(INVALID('ath'));
    const padded = Buffer.from(accessTokenHash(TOKEN), 'base64url').toString('base64');
    expect(outcome(craftProof(es256, request, { payload: { ath: padded } }))).toBe(INVALID('ath'));
  });
});

describe('verifyDpopProof: nonce', () => {
  const nonces = createDpopNonces({ secret: randomBytes(32), windowSeconds: 60 });
  it('the current nonce, and the one of the window before, are accepted', () => {
    expect(outcome(craftProof(es256, { ...request, nonce: nonces.issue(NOW) }), { nonce: nonces })).toBe('accepted');
    expect(outcome(craftProof(es256, { ...request, nonce: nonces.issue(NOW - 60) }), { nonce: nonces })).toBe(
      'accepted',
    );
  });
  it('missing → use_dpop_nonce', () => {
    expect(outcome(craftProof(es256, request), { nonce: nonces })).toBe('use_dpop_nonce/nonce');
  });
  it('stale (two windows old) → use_dpop_nonce', () => {
    expect(outcome(craftProof(es256, { ...request, nonce: nonces.issue(NOW - 120) }), { nonce: nonces })).toBe(
      'use_dpop_nonce/nonce',
    );
  });
  it('forged (another secret, or made up) → use_dpop_nonce', () => {
    const forged = createDpopNonces({ secret: randomBytes(32) }).issue(NOW);
    expect(outcome(craftProof(es256, { ...request, nonce: forged }), { nonce: nonces })).toBe('use_dpop_nonce/nonce');
    expect(outcome(craftProof(es256, request, { payload: { nonce: 42 } }), { nonce: nonces })).toBe(
      'use_dpop_nonce/nonce',
    );
  });
  it('a nonce in the proof is ignored when none is required', () => {
    expect(outcome(craftProof(es256, { ...request, nonce: 'anything' }))).toBe('accepted');
  });
});

describe('RFC 9449 example proofs', () => {
  // Figure 3 (§4.1, token request) and figure 13 (§7.1, resource request), line folding undone; the
  // key and the access token of figure 7/13. Their iat is from 2019: checked with nowSeconds at their iat.
  const JWK_HEADER =
    'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19';
  const TOKEN_REQUEST_PROOF = `${JWK_HEADER}.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg`;
  const RESOURCE_PROOF = `${JWK_HEADER}.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA`;
  const RFC_ACCESS_TOKEN = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
  const RFC_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
  const tokenRequest: DpopProofExpectation = {
    ...BASE,
    method: 'POST',
    url: 'https://server.example.com/token',
    accessToken: undefined,
    algorithms: ['ES256'],
    nowSeconds: 1562262616,
  };
  const resourceRequest: DpopProofExpectation = {
    ...BASE,
    url: 'https://resource.example.org/protectedresource',
    accessToken: RFC_ACCESS_TOKEN,
    algorithms: ['ES256'],
    nowSeconds: 1562262618,
  };

  it('figure 3 (token request): accepted at its iat, jkt as in the RFC', () => {
    expect(verifyDpopProof(TOKEN_REQUEST_PROOF, tokenRequest)).toEqual({
      jkt: RFC_JKT,
      jti: '-BwC3ESc6acc2lTc',
      iat: 1562262616,
      alg: 'ES256',
    });
  });

  it('figure 13 (resource request with ath): accepted at its iat with the RFC access token', () => {
    expect(verifyDpopProof(RESOURCE_PROOF, resourceRequest)).toMatchObject({ jkt: RFC_JKT, jti: 'e1j3V_bKic8-LAEB' });
    expect(accessTokenHash(RFC_ACCESS_TOKEN)).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });

  it('the RFC proofs are refused today, for another token, URL or method', () => {
    expect(outcome(TOKEN_REQUEST_PROOF, { ...tokenRequest, nowSeconds: Date.now() / 1000 })).toBe(INVALID('iat'));
    expect(outcome(RESOURCE_PROOF, { ...resourceRequest, accessToken: `${RFC_ACCESS_TOKEN}x` })).toBe(INVALID('ath'));
    expect(outcome(RESOURCE_PROOF, { ...resourceRequest, url: 'https://resource.example.org/other' })).toBe(
      INVALID('htu'),
    );
    expect(outcome(TOKEN_REQUEST_PROOF, { ...tokenRequest, method: 'GET' })).toBe(INVALID('htm'));
    expect(outcome(RESOURCE_PROOF, { ...resourceRequest, algorithms: ['EdDSA'] })).toBe(INVALID('alg'));
  });

  it('jose agrees the RFC proof verifies with its header key', async () => {
    const { compactVerify, EmbeddedJWK } = await import('jose');
    await expect(compactVerify(RESOURCE_PROOF, EmbeddedJWK)).resolves.toMatchObject({
      protectedHeader: { typ: 'dpop+jwt', alg: 'ES256' },
    });
    await expect(compactVerify(TOKEN_REQUEST_PROOF, EmbeddedJWK)).resolves.toBeDefined();
  });
});

describe('verifyDpopProof reads the proof by its own members only', () => {
  const nonces = createDpopNonces({ secret: randomBytes(32), windowSeconds: 60 });
  const marked = { ...request, nonce: nonces.issue(NOW) };

  /** A proof whose header, payload and jwk carry an own `marker` member, without `name` in `where`. */
  const proofWithout = (where: string, name: string) => {
    const jwk: Record<string, unknown> = { ...es256.publicJwk, marker: 'jwk' };
    if (where === 'jwk') delete jwk[name];
    return craftProof(es256, marked, {
      header: { marker: 'header', jwk },
      payload: { marker: 'payload' },
      omitHeader: where === 'header' ? [name] : [],
      omitPayload: where === 'payload' ? [name] : [],
    });
  };

  it('a complete marked proof is accepted (each row below lacks one member of it)', () => {
    expect(outcome(proofWithout('none', ''), { nonce: nonces })).toBe('accepted');
  });

  // Each row: the proof lacks one member; a polluted Object.prototype answers for it with the value that would pass.
  it.each([
    { where: 'header', name: 'typ', value: () => 'dpop+jwt', refused: INVALID('typ') },
    { where: 'header', name: 'alg', value: () => 'ES256', refused: INVALID('alg') },
    { where: 'header', name: 'jwk', value: () => es256.publicJwk, refused: INVALID('jwk') },
    { where: 'jwk', name: 'y', value: () => es256.publicJwk.y, refused: INVALID('jwk') },
    { where: 'jwk', name: 'crv', value: () => 'P-256', refused: INVALID('jwk') },
    { where: 'payload', name: 'jti', value: () => 'j-1', refused: INVALID('jti') },
    { where: 'payload', name: 'htm', value: () => 'GET', refused: INVALID('htm') },
    { where: 'payload', name: 'htu', value: () => URL_, refused: INVALID('htu') },
    { where: 'payload', name: 'iat', value: () => NOW, refused: INVALID('iat') },
    { where: 'payload', name: 'ath', value: () => accessTokenHash(TOKEN), refused: INVALID('ath') },
    { where: 'payload', name: 'nonce', value: () => nonces.issue(NOW), refused: 'use_dpop_nonce/nonce' },
  ])('a $where without $name is refused, and the prototype is never asked for it', async (row) => {
    const proof = proofWithout(row.where, row.name);
    const { outcome: seen, reads } = await whilePrototypePolluted(row.name, row.value, () =>
      outcome(proof, { nonce: nonces }),
    );
    expect(seen).toBe(row.refused);
    expect(reads).toBe(0);
  });
});
