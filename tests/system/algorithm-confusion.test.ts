import { createHmac, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createAccessTokenSigner } from '@jwks-kit/issuer';
import { authErrorHandler, createAccessTokenVerifier, requireAuth } from '@jwks-kit/verifier';
import { createClock } from '@jwks-kit/test-kit';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { b64json } from './support/compact-jws.js';
import { startTestIssuer, type TestIssuer } from './support/real-issuer.js';

const HS_ISSUER = 'https://orders.internal.example';
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Every encoding of the JWKS issuer's public key an attacker might hope a verifier uses as an HMAC secret. */
function publicKeyEncodings(jwk: Record<string, unknown>, jwksBody: string): Array<[string, string | Buffer]> {
  const key: KeyObject = createPublicKey({
    key: { kty: 'RSA', n: jwk.n as string, e: jwk.e as string },
    format: 'jwk',
  });
  const spkiPem = key.export({ format: 'pem', type: 'spki' }) as string;
  const pkcs1Pem = key.export({ format: 'pem', type: 'pkcs1' }) as string;
  const n = Buffer.from(jwk.n as string, 'base64url');
  return [
    ['PEM (SPKI)', spkiPem],
    ['PEM (SPKI) without the trailing newline', spkiPem.trimEnd()],
    ['PEM (SPKI) body only', spkiPem.replace(/-----[^-]+-----|\s/g, '')],
    ['PEM (PKCS#1)', pkcs1Pem],
    ['DER (SPKI)', key.export({ format: 'der', type: 'spki' })],
    ['DER (PKCS#1)', key.export({ format: 'der', type: 'pkcs1' })],
    ['JWK JSON as published', JSON.stringify(jwk)],
    ['JWK JSON (e, kty, n: the thumbprint input)', JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })],
    ['the whole JWKS body', jwksBody],
    ['n bytes', n],
    ['n without its leading zero byte', n[0] === 0 ? n.subarray(1) : Buffer.concat([Buffer.alloc(1), n])],
    ['n as base64url text', jwk.n as string],
    ['n as hex text', n.toString('hex')],
    ['e bytes', Buffer.from(jwk.e as string, 'base64url')],
    ['the kid (RFC 7638 thumbprint)', jwk.kid as string],
  ];
}

describe('algorithm confusion against a service trusting an HS256 issuer and a JWKS issuer (real Express, real JWKS socket)', () => {
  const clock = createClock();
  let jwksIssuer: TestIssuer;
  let secret: Buffer;
  let app: express.Express;
  let close: () => Promise<void>;
  let jwk: Record<string, unknown>;
  let jwksBody: string;
  let validRs: string;
  let validHs: string;

  beforeAll(async () => {
    jwksIssuer = await startTestIssuer(clock.now);
    secret = randomBytes(32);
    const auth = requireAuth({
      issuers: [
        {
          issuer: jwksIssuer.issuer,
          audience: AUDIENCES.orders,
          jwksUri: `${jwksIssuer.issuer}/.well-known/jwks.json`,
        },
        { issuer: HS_ISSUER, audience: AUDIENCES.orders, secret },
      ],
      now: clock.now,
    });
    await auth.ready();
    app = express();
    app.get('/orders', auth, (req, res) => {
      res.json({ ok: true, iss: req.auth?.claims.iss });
    });
    app.use(authErrorHandler());
    close = () => auth.close();
    jwksBody = await (await fetch(`${jwksIssuer.issuer}/.well-known/jwks.json`)).text();
    jwk = (JSON.parse(jwksBody) as { keys: Record<string, unknown>[] }).keys[0]!;
    validRs = await jwksIssuer.sign({ sub: 'alice', aud: AUDIENCES.orders });
    const hsSigner = createAccessTokenSigner({
      issuer: HS_ISSUER,
      secret,
      defaultAudience: AUDIENCES.orders,
      now: clock.now,
    });
    validHs = (await hsSigner.sign({ sub: 'alice' })).token;
  });
  afterAll(async () => {
    await close?.();
    await jwksIssuer?.close();
  });

  const claimsFor = (iss: string) => {
    const iat = clock.nowSeconds();
    return { iss, sub: 'mallory', aud: AUDIENCES.orders, iat, exp: iat + 300, jti: `j-${Math.random()}` };
  };
  const hmacToken = (header: Record<string, unknown>, claims: object, key: string | Buffer, hash = 'sha256') => {
    const input = `${b64json(header)}.${b64json(claims)}`;
    return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
  };
  const status = async (token: string) => {
    const res = await request(app).get('/orders').set('authorization', `Bearer ${token}`);
    return `${res.status} ${String(res.body?.code ?? res.body?.error ?? '')}`;
  };

  it('controls: the JWKS issuer RS256 token and the HS256 issuer token are both accepted', async () => {
    expect(await status(validRs)).toBe('200 ');
    expect(await status(validHs)).toBe('200 ');
  });

  it('refuses every HMAC token keyed with the RS256 public key in every encoding, for either issuer, alg and kid', async () => {
    const outcomes: string[] = [];
    let tried = 0;
    for (const [what, key] of publicKeyEncodings(jwk, jwksBody)) {
      for (const [alg, hash] of [
        ['HS256', 'sha256'],
        ['HS384', 'sha384'],
        ['HS512', 'sha512'],
        ['hs256', 'sha256'],
      ] as const) {
        for (const iss of [jwksIssuer.issuer, HS_ISSUER]) {
          for (const kid of [jwk.kid, undefined]) {
            const header = { alg, typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) };
            const got = await status(hmacToken(header, claimsFor(iss), key, hash));
            tried += 1;
            if (got !== '401 invalid_token') outcomes.push(`${what} ${alg} iss=${iss} kid=${String(kid)}: ${got}`);
          }
        }
      }
    }
    expect(tried).toBe(15 * 4 * 2 * 2);
    expect(outcomes).toEqual([]);
  });

  it("the token's alg never chooses between the issuers: each issuer's key signs only for that issuer, under its own alg", async () => {
    // The real HS256 secret cannot sign for the JWKS issuer, with or without the JWKS kid.
    for (const kid of [jwk.kid, undefined]) {
      const header = { alg: 'HS256', typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) };
      expect(await status(hmacToken(header, claimsFor(jwksIssuer.issuer), secret))).toBe('401 invalid_token');
    }
    // The real RS256 key cannot sign for the HS256 issuer (a valid RS256 signature over its claims): HS256 only.
    const signer = createAccessTokenSigner({
      issuer: HS_ISSUER,
      keyRing: jwksIssuer.keyRing,
      defaultAudience: AUDIENCES.orders,
      now: clock.now,
    });
    expect(await status((await signer.sign({ sub: 'mallory' })).token)).toBe('401 invalid_token');
    // HS256 with the issuer's header swapped in, none, and an empty signature.
    const [hh, hp] = validHs.split('.') as [string, string];
    expect(
      await status(`${b64json({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })}.${hp}.${validHs.split('.')[2]}`),
    ).toBe('401 invalid_token');
    expect(await status(`${b64json({ alg: 'none', typ: 'at+jwt' })}.${hp}.`)).toBe('401 invalid_token');
    expect(await status(`${hh}.${hp}.`)).toBe('401 invalid_token');
    expect(await status(`${hh}.${hp}.${b64(Buffer.alloc(32))}`)).toBe('401 invalid_token');
  });

  it('refuses to be configured so that HS256 could come from a JWKS or share an issuer with one (TypeError)', () => {
    const jwksUri = `${jwksIssuer.issuer}/.well-known/jwks.json`;
    const base = { issuer: HS_ISSUER, audience: AUDIENCES.orders };
    expect(() => createAccessTokenVerifier({ ...base, jwksUri, secret })).toThrow(/exactly one of options/);
    expect(() => createAccessTokenVerifier({ ...base, jwksUri, algorithms: ['HS256'] })).toThrow(/must not list HS256/);
    expect(() =>
      createAccessTokenVerifier({
        issuers: [
          { ...base, jwksUri },
          { ...base, secret },
        ],
      }),
    ).toThrow(/repeats an issuer/);
    for (const bad of [randomBytes(31), Buffer.from(String(jwk.n)).toString(), ''])
      expect(() => createAccessTokenVerifier({ ...base, secret: bad as Uint8Array })).toThrow(
        /option `secret` must be a Uint8Array of at least 32 bytes/,
      );
  });
});
