import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createClock, createTestKeyPair, type TestClock, type TestKeyPair } from '@jwks-kit/test-kit';
import { createMemoryDenylist, DenylistError } from '@jwks-kit/denylist';
import {
  createAccessTokenVerifier,
  createLocalKeySet,
  VerifierError,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type KeySet,
  type LocalKeySet,
  type VerifiedAccessToken,
} from '../src/index.js';
import { accessToken, AUDIENCE, craftToken, ISSUER, validParts } from './lib/craft-token.js';

let pair: TestKeyPair;
let attacker: TestKeyPair;
let clock: TestClock;
let keySet: LocalKeySet;

beforeAll(async () => {
  [pair, attacker] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
});

beforeEach(() => {
  clock = createClock();
  keySet = createLocalKeySet({ keys: [pair.publicJwk] });
});

function verifier(options: Partial<AccessTokenVerifierOptions> = {}): AccessTokenVerifier {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet,
    now: clock.now,
    ...options,
  } as AccessTokenVerifierOptions);
}

async function refusal(token: string, v: AccessTokenVerifier = verifier()): Promise<VerifierError> {
  const error = await v.verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VerifierError);
  return error as VerifierError;
}

async function expectInvalid(token: string, v?: AccessTokenVerifier): Promise<VerifierError> {
  const error = await refusal(token, v);
  expect(error).toMatchObject({ code: 'invalid_token', status: 401 });
  expect(error.headers['WWW-Authenticate']).toMatch(
    /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/,
  );
  return error;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The segment with the unused low bits of its last character set: decoders give the same bytes. */
function withUnusedBits(segment: string): string {
  const last = BASE64URL.indexOf(segment.at(-1) as string);
  const unused = segment.length % 4 === 2 ? 0b1111 : 0b11;
  return segment.slice(0, -1) + BASE64URL.charAt(last | unused);
}

const signed = (header: object | string, claims: object | string) =>
  craftToken(header, claims, { rsa: 'RS256', key: pair.privateKey });

describe('accepts', () => {
  it('a valid RS256 at+jwt token and yields frozen claims, kid, issuer and scopes', async () => {
    const result = await verifier().verify(accessToken(pair, clock));
    expect(result.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1' });
    expect(result.kid).toBe(pair.kid);
    expect(result.issuer).toBe(ISSUER);
    expect([...result.scopes]).toEqual(['orders:read', 'profile:read']);
    expect(Object.isFrozen(result.claims)).toBe(true);
  });

  it('claims frozen all the way down, and nothing of a polluted Object.prototype frozen or counted as a claim', async () => {
    const claims = { roles: ['admin', { scoped: ['orders'] }], meta: { tenant: { id: 't-1' } } };
    const result = await verifier().verify(accessToken(pair, clock, { claims }));
    const got = result.claims as unknown as typeof claims;
    for (const value of [
      got.roles,
      got.roles[1],
      (got.roles[1] as { scoped: string[] }).scoped,
      got.meta,
      got.meta.tenant,
    ])
      expect(Object.isFrozen(value)).toBe(true);
    const planted = { planted: true };
    Object.defineProperty(Object.prototype, 'pollutedClaim', { value: planted, enumerable: true, configurable: true });
    try {
      const polluted = await verifier().verify(accessToken(pair, clock, { claims: { nested: { a: 1 } } }));
      expect(Object.isFrozen(polluted.claims)).toBe(true);
      expect(Object.isFrozen(planted)).toBe(false);
      expect(Object.hasOwn(polluted.claims, 'pollutedClaim')).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).pollutedClaim;
    }
  });

  it('a frozen result whose scopes are split once, on first read, and shared by the requests of a cached token', async () => {
    const v = verifier();
    const token = accessToken(pair, clock, { claims: { scope: ' orders:read  profile:read ' } });
    await v.verify(token);
    await v.verify(token);
    const result = await v.verify(token);
    expect(Object.isFrozen(result)).toBe(true);
    expect(() => Object.assign(result, { kid: 'other' })).toThrow(TypeError);
    const scopes = result.scopes;
    expect([...scopes]).toEqual(['orders:read', 'profile:read']);
    expect(result.scopes).toBe(scopes);
    expect((await v.verify(token)).scopes).toBe(scopes);
    const none = await v.verify(accessToken(pair, clock, { claims: { scope: undefined } }));
    expect(none.scopes.size).toBe(0);
  });

  it('typ in any case, with or without the application/ prefix', async () => {
    for (const typ of ['AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) {
      await expect(verifier().verify(accessToken(pair, clock, { header: { typ } }))).resolves.toBeDefined();
    }
  });

  it('an aud array naming the audience among others', async () => {
    await expect(
      verifier().verify(accessToken(pair, clock, { claims: { aud: ['other', AUDIENCE] } })),
    ).resolves.toBeDefined();
  });

  it('clock skew within the leeway (exp just passed, iat and nbf just ahead)', async () => {
    const now = clock.nowSeconds();
    await expect(
      verifier().verify(accessToken(pair, clock, { claims: { iat: now - 300, exp: now - 4 } })),
    ).resolves.toBeDefined();
    await expect(
      verifier().verify(accessToken(pair, clock, { claims: { iat: now + 4, nbf: now + 4 } })),
    ).resolves.toBeDefined();
  });

  it('RS512 and PS256 when they are the pinned algorithms', async () => {
    const parts = validParts(pair, clock);
    const rs512 = craftToken({ ...parts.header, alg: 'RS512' }, parts.claims, { rsa: 'RS512', key: pair.privateKey });
    const rsKeys = createLocalKeySet({ keys: [{ ...pair.publicJwk, alg: 'RS512' }] }, { algorithms: ['RS512'] });
    await expect(verifier({ algorithms: ['RS512'], keySet: rsKeys }).verify(rs512)).resolves.toBeDefined();
    // The default set's key says alg RS256: it never verifies an RS512 token, even when RS512 is pinned.
    await expect(verifier({ algorithms: ['RS512'] }).verify(rs512)).rejects.toMatchObject({ code: 'invalid_token' });
    const ps256 = craftToken({ ...parts.header, alg: 'PS256' }, parts.claims, { rsa: 'PS256', key: pair.privateKey });
    const psKeys = createLocalKeySet({ keys: [{ ...pair.publicJwk, alg: undefined }] }, { algorithms: ['PS256'] });
    await expect(verifier({ algorithms: ['PS256'], keySet: psKeys }).verify(ps256)).resolves.toBeDefined();
  });

  it('typ missing when typ checking is turned off', async () => {
    await expect(
      verifier({ typ: false }).verify(accessToken(pair, clock, { header: { typ: undefined } })),
    ).resolves.toBeDefined();
  });
});

describe('refuses algorithm tricks', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, with and without a signature', async (alg) => {
    const { header, claims } = validParts(pair, clock);
    const unsigned = craftToken({ ...header, alg }, claims, { signature: '' });
    const error = await refusal(unsigned);
    expect(error.code).toBe('invalid_token');
    await expectInvalid(craftToken({ ...header, alg }, claims, { signature: 'c2lnbmF0dXJl' }));
    await expectInvalid(craftToken({ ...header, alg }, claims, { rsa: 'RS256', key: pair.privateKey }));
  });

  it('HS256 signed with the RSA public key as PEM and as JWK JSON', async () => {
    const { header, claims } = validParts(pair, clock);
    const pem = createPublicKey({ key: pair.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    await expectInvalid(craftToken({ ...header, alg: 'HS256' }, claims, { hmacSecret: pem }));
    await expectInvalid(
      craftToken({ ...header, alg: 'HS256' }, claims, { hmacSecret: JSON.stringify(pair.publicJwk) }),
    );
  });

  it('RS512 and PS256 signed with the right key while RS256 is pinned', async () => {
    const { header, claims } = validParts(pair, clock);
    const rs512 = await expectInvalid(
      craftToken({ ...header, alg: 'RS512' }, claims, { rsa: 'RS512', key: pair.privateKey }),
    );
    expect(rs512.message).toBe('The access token algorithm is not accepted');
    await expectInvalid(craftToken({ ...header, alg: 'PS256' }, claims, { rsa: 'PS256', key: pair.privateKey }));
  });

  it('an RS256 header on a token signed with another alg (jose checks the signature)', async () => {
    const { header, claims } = validParts(pair, clock);
    const ps = craftToken({ ...header, alg: 'PS256' }, claims, { rsa: 'PS256', key: pair.privateKey });
    const [, , signature] = ps.split('.');
    const forged = `${signed(header, claims).split('.').slice(0, 2).join('.')}.${signature}`;
    expect((await expectInvalid(forged)).message).toBe('The access token signature is invalid');
  });
});

describe('refuses header tricks', () => {
  let listener: Server;
  let requests: number;
  let url: string;

  beforeAll(async () => {
    requests = 0;
    listener = createServer((_req, res) => {
      requests += 1;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [attacker.publicJwk] }));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
  });

  it('embedded jwk, jku, x5u and x5c, and never fetches jku/x5u', async () => {
    const { header, claims } = validParts(attacker, clock);
    const bySelf = (extra: object) =>
      craftToken({ ...header, ...extra }, claims, { rsa: 'RS256', key: attacker.privateKey });
    for (const extra of [{ jwk: attacker.publicJwk }, { jku: url }, { x5u: url }, { x5c: ['MIIB'] }]) {
      expect((await expectInvalid(bySelf(extra))).message).toBe('The access token header is not accepted');
    }
    // the same attacks with the legitimate kid
    for (const extra of [{ jwk: attacker.publicJwk }, { jku: url }, { x5u: url }]) {
      await expectInvalid(bySelf({ ...extra, kid: pair.kid }));
    }
    // a legitimately signed token that merely carries jku is refused too
    await expectInvalid(accessToken(pair, clock, { header: { jku: url } }));
    expect(requests).toBe(0);
  });

  it('kid absent, unknown, a path, and 10 KB long', async () => {
    await expectInvalid(accessToken(pair, clock, { header: { kid: undefined } }));
    expect((await expectInvalid(accessToken(pair, clock, { header: { kid: 'unknown' } }))).message).toBe(
      'The access token signing key is unknown',
    );
    await expectInvalid(accessToken(pair, clock, { header: { kid: '../../dev/null' } }));
    await expectInvalid(accessToken(pair, clock, { header: { kid: 42 } }));
    const longKid = accessToken(pair, clock, { header: { kid: 'k'.repeat(10_240) } });
    await expectInvalid(longKid);
    expect((await expectInvalid(longKid, verifier({ maxTokenBytes: 65_536 }))).message).toBe(
      'The access token key id is missing or invalid',
    );
  });

  it('crit, and b64:false', async () => {
    const { header, claims } = validParts(pair, clock);
    await expectInvalid(signed({ ...header, crit: ['exp'], exp: 1 }, claims));
    await expectInvalid(signed({ ...header, crit: [] }, claims));
    await expectInvalid(signed({ ...header, b64: false, crit: ['b64'] }, claims));
    await expectInvalid(signed({ ...header, b64: false }, claims));
  });

  it('typ missing, JWT, or another media type', async () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'application/jwt', 'at+jwt ', 7]) {
      await expectInvalid(accessToken(pair, clock, { header: { typ } }));
    }
    expect((await expectInvalid(accessToken(pair, clock, { header: { typ: 'JWT' } }))).message).toBe(
      'The access token type is not accepted',
    );
  });

  it('a typ outside a configured list', async () => {
    const v = verifier({ typ: 'JWT' });
    await expect(v.verify(accessToken(pair, clock, { header: { typ: 'jwt' } }))).resolves.toBeDefined();
    await expectInvalid(accessToken(pair, clock), v);
  });
});

/** A JSON value of `depth` nested arrays: `[[[…]]]` (2 bytes per level, so deep values fit the size cap). */
const nestedArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('refuses claims', () => {
  it('nested deeper than maxClaimsDepth (default 32): 401 claims_too_deep, even validly signed; the limit itself passes', async () => {
    // The claims object is level 1, so a claim holding 31 nested arrays is at the limit.
    await expect(
      verifier().verify(accessToken(pair, clock, { claims: { deep: nestedArrays(31) } })),
    ).resolves.toMatchObject({
      claims: { sub: 'user-1' },
    });
    for (const deep of [nestedArrays(32), nestedArrays(2_200), { a: { b: nestedArrays(30) } }]) {
      const error = await refusal(accessToken(pair, clock, { claims: { deep } }));
      expect(error).toMatchObject({ code: 'claims_too_deep', status: 401, error: 'invalid_token' });
      expect(error.headers['WWW-Authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", error_description="The access token claims are nested too deeply"',
      );
    }
    const shallow = verifier({ maxClaimsDepth: 2 });
    await expect(shallow.verify(accessToken(pair, clock, { claims: { deep: [1] } }))).resolves.toBeDefined();
    expect((await refusal(accessToken(pair, clock, { claims: { deep: [[1]] } }), shallow)).code).toBe(
      'claims_too_deep',
    );
  });

  it('a wrong iss: trailing slash, other case, absent, not a string', async () => {
    for (const iss of [`${ISSUER}/`, ISSUER.toUpperCase(), 'https://AUTH.example.com', undefined, 42, [ISSUER]]) {
      const error = await expectInvalid(accessToken(pair, clock, { claims: { iss } }));
      expect(error.message).toBe('The access token issuer is not accepted');
    }
  });

  it('a wrong, missing, empty or non-string aud', async () => {
    for (const aud of ['https://other.example.com', `${AUDIENCE}/`, undefined, [], [AUDIENCE, 7], '', 7]) {
      await expectInvalid(accessToken(pair, clock, { claims: { aud } }));
    }
  });

  it('a missing, huge, string, or non-finite exp', async () => {
    for (const exp of [undefined, 1e12, 9_999_999_999, String(clock.nowSeconds() + 60), null, -1]) {
      await expectInvalid(accessToken(pair, clock, { claims: { exp } }));
    }
  });

  it('an expired token with its own code and description', async () => {
    const error = await refusal(
      accessToken(pair, clock, { claims: { iat: clock.nowSeconds() - 600, exp: clock.nowSeconds() - 6 } }),
    );
    expect(error).toMatchObject({ code: 'token_expired', status: 401, message: 'The access token expired' });
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    );
  });

  it('a future iat or nbf beyond the leeway', async () => {
    const now = clock.nowSeconds();
    expect((await expectInvalid(accessToken(pair, clock, { claims: { nbf: now + 60 } }))).message).toBe(
      'The access token is not yet valid',
    );
    await expectInvalid(accessToken(pair, clock, { claims: { iat: now + 60, exp: now + 300 } }));
    await expectInvalid(accessToken(pair, clock, { claims: { nbf: 'soon' } }));
    await expectInvalid(accessToken(pair, clock, { claims: { iat: '0' } }));
  });

  it('a lifetime above maxTokenLifetimeSeconds', async () => {
    const now = clock.nowSeconds();
    const token = accessToken(pair, clock, { claims: { iat: now, exp: now + 7200 } });
    await expect(verifier().verify(token)).resolves.toBeDefined();
    expect((await expectInvalid(token, verifier({ maxTokenLifetimeSeconds: 3600 }))).message).toBe(
      'The access token lifetime is too long',
    );
  });

  it('an iat older than maxTokenAgeSeconds (as expired), or missing when an age limit is set', async () => {
    const now = clock.nowSeconds();
    const v = verifier({ maxTokenAgeSeconds: 60 });
    expect(await refusal(accessToken(pair, clock, { claims: { iat: now - 120 } }), v)).toMatchObject({
      code: 'token_expired',
    });
    await expectInvalid(accessToken(pair, clock, { claims: { iat: undefined } }), v);
  });

  it('non-string sub, jti or scope', async () => {
    for (const claims of [{ sub: 1 }, { sub: '' }, { jti: 7 }, { jti: {} }, { scope: ['a'] }]) {
      await expectInvalid(accessToken(pair, clock, { claims }));
    }
  });

  it('a missing required claim', async () => {
    const v = verifier({ requiredClaims: ['client_id', 'sid'] });
    await expectInvalid(accessToken(pair, clock), v);
    await expect(v.verify(accessToken(pair, clock, { claims: { sid: 's1' } }))).resolves.toBeDefined();
  });
});

describe('refuses malformed tokens', () => {
  it('a truncated or altered signature', async () => {
    const token = accessToken(pair, clock);
    await expectInvalid(token.slice(0, -10));
    const flipped = token.slice(0, -5) + (token.at(-5) === 'A' ? 'B' : 'A') + token.slice(-4);
    await expectInvalid(flipped);
    const [h, p] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ ...validParts(pair, clock).claims, sub: 'admin' })).toString(
      'base64url',
    );
    await expectInvalid(`${h}.${otherPayload}.${token.split('.')[2]}`);
    expect(p).toBeDefined();
  });

  it('a 5-segment JWE shape, 2 or 4 segments, padding, whitespace, other characters', async () => {
    const token = accessToken(pair, clock);
    const [h, p, s] = token.split('.') as [string, string, string];
    for (const bad of [
      `${h}.${p}.${s}.${s}.${s}`,
      `${h}.${p}`,
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s}=`,
      `${h}.${p}. ${s}`,
      `${h}.${p}.${s}\n`,
      `${h}+.${p}.${s}`,
      `.${p}.${s}`,
      '',
      'a.b.c',
    ]) {
      expect((await expectInvalid(bad)).message).toBe('The access token is malformed');
    }
  });

  it('a segment with non-zero unused bits in its last character (the same bytes, another string), or a length ≡ 1 mod 4', async () => {
    const v = verifier();
    let checked = 0;
    for (let pad = 0; pad < 4; pad += 1) {
      const token = accessToken(pair, clock, { header: { x: 'x'.repeat(pad) }, claims: { pad: 'x'.repeat(pad) } });
      await expect(v.verify(token)).resolves.toBeDefined();
      const segments = token.split('.');
      for (const index of [0, 1, 2]) {
        const segment = segments[index] as string;
        const variants = [segment + 'A'.repeat((5 - (segment.length % 4)) % 4)];
        if (segment.length % 4 !== 0) variants.push(withUnusedBits(segment));
        for (const variant of variants) {
          if (variant !== variants[0])
            expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
          const altered = segments.map((part, at) => (at === index ? variant : part)).join('.');
          expect((await expectInvalid(altered, v)).message).toBe('The access token is malformed');
          checked += 1;
        }
      }
      await expect(v.verify(token)).resolves.toBeDefined();
    }
    expect(checked).toBeGreaterThanOrEqual(18);
  });

  it('a token above the size cap before any parsing', async () => {
    const big = accessToken(pair, clock, { claims: { pad: 'x'.repeat(9000) } });
    expect(big.length).toBeGreaterThan(8192);
    expect((await expectInvalid(big)).message).toBe('The access token is malformed');
    await expect(verifier({ maxTokenBytes: 16_384 }).verify(big)).resolves.toBeDefined();
  });

  it('non-JSON, array, null and string payloads or headers', async () => {
    const { header, claims } = validParts(pair, clock);
    for (const [h, p] of [
      [header, 'not json'],
      [header, JSON.stringify([claims])],
      [header, 'null'],
      [header, '"text"'],
      [JSON.stringify([header]), claims],
      ['{"alg":"RS256"', claims],
    ] as Array<[object | string, object | string]>) {
      await expectInvalid(signed(h, p));
    }
    await expectInvalid(signed(header, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('latin1')));
  });

  it('values that are not strings', async () => {
    for (const value of [undefined, null, 42, {}, ['a.b.c']]) {
      await expectInvalid(value as unknown as string);
    }
  });

  it('any string or any signed JSON, with a typed refusal and never a 5xx', async () => {
    const v = verifier();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (input) => {
        const error = await refusal(input, v);
        expect(error.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (header, claims) => {
        const error = await refusal(signed(JSON.stringify(header), JSON.stringify(claims)), v);
        expect(error.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});

describe('several issuers', () => {
  it('selects the issuer by exact iss, and looks keys up per (issuer, kid)', async () => {
    const other = await createTestKeyPair();
    const v = createAccessTokenVerifier({
      issuers: [
        { issuer: ISSUER, audience: AUDIENCE, keySet },
        {
          issuer: 'https://partner.example.com',
          audience: ['partner-api'],
          keySet: createLocalKeySet({ keys: [other.publicJwk] }),
        },
      ],
      now: clock.now,
    });
    await expect(v.verify(accessToken(pair, clock))).resolves.toMatchObject({ issuer: ISSUER });
    const partner = accessToken(other, clock, { claims: { iss: 'https://partner.example.com', aud: 'partner-api' } });
    await expect(v.verify(partner)).resolves.toMatchObject({ issuer: 'https://partner.example.com', kid: other.kid });
    // the partner's key cannot sign for the main issuer, nor the main key for the partner
    await expectInvalid(accessToken(other, clock), v);
    await expectInvalid(
      accessToken(pair, clock, { claims: { iss: 'https://partner.example.com', aud: 'partner-api' } }),
      v,
    );
    // an audience accepted from one issuer is not accepted from the other
    await expectInvalid(
      accessToken(other, clock, { claims: { iss: 'https://partner.example.com', aud: AUDIENCE } }),
      v,
    );
  });
});

describe('verified-token cache', () => {
  it('caches a token from its second verification on: its first hit decodes the payload again, every later hit answers that same frozen result', async () => {
    const v = verifier();
    const token = accessToken(pair, clock);
    const first = await v.verify(token);
    const second = await v.verify(token);
    expect(second).not.toBe(first);
    const hit = v.verifySync(token) as VerifiedAccessToken;
    expect(hit).not.toBe(second);
    expect(hit).toMatchObject({ kid: pair.kid, issuer: ISSUER, claims: first.claims });
    expect(Object.isFrozen(hit.claims)).toBe(true);
    // only a hit can answer the same object twice: the third verification was one
    expect(v.verifySync(token)).toBe(hit);
    expect(v.verifySync(token)).toBe(hit);
  });

  it('admits each of many reused tokens on its second sighting', async () => {
    const v = verifier();
    const tokens = Array.from({ length: 50 }, (_, i) => accessToken(pair, clock, { claims: { jti: `reused-${i}` } }));
    for (const token of tokens) await v.verify(token);
    for (const token of tokens) await v.verify(token);
    const hits = tokens.map((token) => v.verifySync(token));
    tokens.forEach((token, i) => {
      expect(v.verifySync(token)).toBe(hits[i]);
      expect((hits[i] as VerifiedAccessToken).claims.jti).toBe(`reused-${i}`);
    });
  });

  it('honours exp: an entry past exp + leeway is refused as expired', async () => {
    const v = verifier();
    const token = accessToken(pair, clock);
    await v.verify(token);
    await v.verify(token); // the second verification admits it to the cache
    clock.advance(304_000);
    expect(v.verifySync(token)).toBeDefined();
    clock.advance(2_000);
    expect(await refusal(token, v)).toMatchObject({ code: 'token_expired' });
  });

  it('honours maxTokenAgeSeconds while cached', async () => {
    const v = verifier({ maxTokenAgeSeconds: 60 });
    const token = accessToken(pair, clock);
    await v.verify(token);
    await v.verify(token); // the second verification admits it to the cache
    clock.advance(70_000);
    expect(await refusal(token, v)).toMatchObject({ code: 'token_expired' });
  });

  it('drops entries when their key leaves the key set', async () => {
    const v = verifier();
    const token = accessToken(pair, clock);
    await v.verify(token);
    await v.verify(token); // the second verification admits it to the cache
    keySet.replaceKeys({ keys: [attacker.publicJwk] });
    expect((await expectInvalid(token, v)).message).toBe('The access token signing key is unknown');
    keySet.replaceKeys({ keys: [pair.publicJwk] });
    await expect(v.verify(token)).resolves.toBeDefined();
  });

  it('can be turned off', async () => {
    const v = verifier({ verifiedTokenCacheSize: 0 });
    const token = accessToken(pair, clock);
    const first = await v.verify(token);
    const second = await v.verify(token);
    expect(second).not.toBe(first);
    expect(second.claims).toEqual(first.claims);
  });
});

describe('synchronous answers', () => {
  it('returns the result itself (not a promise) for a first-seen token whose key is cached, with a synchronous denylist', () => {
    const v = verifier({ denylist: { check: () => false } });
    const result = v.verifySync(accessToken(pair, clock));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ kid: pair.kid, issuer: ISSUER, claims: { sub: 'user-1' } });
  });

  it('throws the VerifierError synchronously for a first-seen token with a bad signature under a cached key', () => {
    const { header, claims } = validParts(pair, clock);
    const forged = craftToken(header, claims, { rsa: 'RS256', key: attacker.privateKey });
    expect(() => verifier().verifySync(forged)).toThrow(
      expect.objectContaining({ code: 'invalid_token', message: 'The access token signature is invalid' }),
    );
  });

  it('waits for the key set only when the kid is not cached', async () => {
    const resolved: string[] = [];
    const lazy: KeySet = {
      getKey: () => undefined,
      resolveKey: async (kid) => (resolved.push(kid), keySet.getKey(kid)),
      on: () => () => undefined,
    };
    const pending = verifier({ keySet: lazy }).verifySync(accessToken(pair, clock));
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toMatchObject({ kid: pair.kid });
    expect(resolved).toEqual([pair.kid]);
    await expect(verifier({ keySet: lazy }).verifySync(accessToken(attacker, clock))).rejects.toMatchObject({
      message: 'The access token signing key is unknown',
    });
  });
});

describe('denylist', () => {
  it('refuses a revoked jti with token_revoked, also for cached tokens', async () => {
    const denylist = createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 });
    const v = verifier({ denylist });
    const token = accessToken(pair, clock);
    const { claims } = await v.verify(token);
    await denylist.revoke(claims.jti as string, claims.exp);
    const error = await refusal(token, v);
    expect(error).toMatchObject({ code: 'token_revoked', status: 401, message: 'The access token was revoked' });
    await denylist.close();
  });

  it('refuses every token of a subject revoked after issue', async () => {
    const denylist = createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 });
    const v = verifier({ denylist });
    const token = accessToken(pair, clock);
    await v.verify(token);
    clock.advance(1_000);
    await denylist.revokeSubject('user-1');
    expect(await refusal(token, v)).toMatchObject({ code: 'token_revoked' });
    await denylist.close();
  });

  it('is consulted on every request, after the signature check only', async () => {
    const seen: unknown[] = [];
    const v = verifier({ denylist: { check: (claims) => (seen.push(claims.jti), false) } });
    const token = accessToken(pair, clock);
    await v.verify(token);
    await v.verify(token);
    expect(seen).toHaveLength(2);
    await expectInvalid(accessToken(attacker, clock, { header: { kid: pair.kid } }), v);
    expect(seen).toHaveLength(2);
  });

  it('answers 503 with Retry-After when the store is unavailable, and fails closed on any failure', async () => {
    const token = accessToken(pair, clock);
    const unavailable = new DenylistError('ERR_DENYLIST_UNAVAILABLE', 'redis down', { retryAfterSeconds: 7 });
    const cases: Array<[AccessTokenVerifierOptions['denylist'], string]> = [
      [
        {
          check: () => {
            throw unavailable;
          },
        },
        '7',
      ],
      [{ check: () => Promise.reject(unavailable) }, '7'],
      [
        {
          check: () => {
            throw new Error('bug');
          },
        },
        '5',
      ],
      [{ check: () => Promise.reject(new Error('bug')) }, '5'],
      [{ check: () => 'yes' as unknown as boolean }, '5'],
      [{ check: async () => undefined as unknown as boolean }, '5'],
    ];
    for (const [denylist, retryAfter] of cases) {
      const error = await refusal(token, verifier({ denylist }));
      expect(error).toMatchObject({ code: 'denylist_unavailable', status: 503 });
      expect(error.headers).toEqual({ 'Retry-After': retryAfter });
    }
    await expect(verifier({ denylist: { check: async () => false } }).verify(token)).resolves.toBeDefined();
    expect(await refusal(token, verifier({ denylist: { check: async () => true } }))).toMatchObject({
      code: 'token_revoked',
    });
  });
});

describe('options', () => {
  it.each([
    [{ issuer: '' }, /`issuer`/],
    [{ audience: [] }, /`audience`/],
    [{ keySet: {} }, /`keySet`/],
    [
      { keySet: { getKey: () => undefined, resolveKey: async () => undefined, onKeyRemoved: () => () => undefined } },
      /onKeyRemoved\(listener\) was renamed on\('keyRemoved', listener\)/,
    ],
    [{ keySet: undefined }, /`keySet`, `jwksUri` and `secret`/],
    [{ algorithms: ['HS256'] }, /`algorithms`/],
    [{ algorithms: ['none'] }, /`algorithms`/],
    [{ algorithms: [] }, /`algorithms`/],
    [{ typ: '' }, /`typ`/],
    [{ leewaySeconds: -1 }, /`leewaySeconds`/],
    [{ maxTokenLifetimeSeconds: 0 }, /`maxTokenLifetimeSeconds`/],
    [{ maxLifetimeSeconds: 600 }, /option `maxLifetimeSeconds` was renamed: use `maxTokenLifetimeSeconds`/],
    [{ maxTokenAgeSeconds: Number.NaN }, /`maxTokenAgeSeconds`/],
    [{ maxTokenBytes: 10 }, /`maxTokenBytes`/],
    [{ maxClaimsDepth: 0 }, /`maxClaimsDepth`/],
    [{ maxClaimsDepth: 2.5 }, /`maxClaimsDepth`/],
    [{ verifiedTokenCacheSize: 1.5 }, /`verifiedTokenCacheSize`/],
    [{ denylist: { has: () => false } }, /`denylist`/],
    [{ realm: 'a"b' }, /`realm`/],
    [{ requiredClaims: [''] }, /`requiredClaims`/],
    [{ now: 5 }, /`now`/],
    [{ issuers: [] }, /`issuers`/],
  ])('refuses %j with a TypeError naming the option', (override, message) => {
    expect(() => verifier(override as Partial<AccessTokenVerifierOptions>)).toThrow(TypeError);
    expect(() => verifier(override as Partial<AccessTokenVerifierOptions>)).toThrow(message);
  });

  it('refuses a repeated issuer and mixing the two forms', () => {
    expect(() =>
      createAccessTokenVerifier({
        issuers: [
          { issuer: ISSUER, audience: AUDIENCE, keySet },
          { issuer: ISSUER, audience: 'b', keySet },
        ],
      }),
    ).toThrow(/`issuers\[1\]\.issuer`/);
    expect(() =>
      createAccessTokenVerifier({ issuer: ISSUER, issuers: [{ issuer: ISSUER, audience: AUDIENCE, keySet }] }),
    ).toThrow(/`issuers`/);
  });

  it('uses the configured realm in challenges', async () => {
    const error = await refusal('x', verifier({ realm: 'orders' }));
    expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/);
  });
});
