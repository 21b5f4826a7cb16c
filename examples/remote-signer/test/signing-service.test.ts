import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { jwkThumbprint } from '@jwks-kit/core';
import request from 'supertest';
import { authorizationFor, MAX_CLOCK_SKEW_SECONDS } from '../src/request-mac.js';
import { createSigningApp } from '../src/signing-service.js';

const NOW_MS = 1_800_000_000_000;
const nowSeconds = NOW_MS / 1000;

describe('signing service (HMAC-authenticated sign requests)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secret = randomBytes(32);
  const app = createSigningApp({ privateKey, alg: 'ES256', clientSecret: secret, now: () => NOW_MS });
  const signBody = JSON.stringify({ signingInput: Buffer.from('header.payload').toString('base64url') });
  const auth = (body: string, overrides: Partial<{ secret: Buffer; method: string; path: string; t: number }> = {}) =>
    authorizationFor(overrides.secret ?? secret, {
      method: overrides.method ?? 'POST',
      path: overrides.path ?? '/sign',
      body: Buffer.from(body),
      nowSeconds: overrides.t ?? nowSeconds,
    });
  const post = (body: string, authorization?: string) => {
    const req = request(app).post('/sign').set('content-type', 'application/json');
    return (authorization === undefined ? req : req.set('authorization', authorization)).send(body);
  };

  it('signs an authenticated request: raw r ‖ s that verifies with the public key, and names its kid', async () => {
    const res = await post(signBody, auth(signBody)).expect(200);
    const signature = Buffer.from(res.body.signature as string, 'base64url');
    expect(signature).toHaveLength(64);
    expect(
      verify('sha256', Buffer.from('header.payload'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
    expect(res.body.kid).toBe(jwkThumbprint(publicKey.export({ format: 'jwk' }) as Record<string, string>));
  });

  it('GET /public-key answers only public members', async () => {
    const res = await request(app)
      .get('/public-key')
      .set('authorization', auth('', { method: 'GET', path: '/public-key' }))
      .expect(200);
    const { d } = privateKey.export({ format: 'jwk' });
    expect(Object.keys(res.body.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(res.text).not.toContain(d);
  });

  it.each([
    ['no Authorization header', () => undefined],
    ['another scheme', () => `Bearer ${secret.toString('base64url')}`],
    ['a MAC under another secret', () => auth(signBody, { secret: randomBytes(32) })],
    ['a MAC over another body', () => auth(JSON.stringify({ signingInput: 'b3RoZXI' }))],
    ['a MAC for another path', () => auth(signBody, { path: '/public-key' })],
    ['a MAC for another method', () => auth(signBody, { method: 'GET' })],
    ['a timestamp too old', () => auth(signBody, { t: nowSeconds - MAX_CLOCK_SKEW_SECONDS - 1 })],
    ['a timestamp too far ahead', () => auth(signBody, { t: nowSeconds + MAX_CLOCK_SKEW_SECONDS + 1 })],
    ['a truncated MAC', () => auth(signBody).slice(0, -2)],
  ])('refuses %s with 401 and signs nothing', async (_name, header) => {
    const res = await post(signBody, header()).expect(401);
    expect(res.body).toEqual({ error: 'unauthorized', error_description: 'Missing or invalid request MAC.' });
  });

  it('accepts a timestamp at the edge of the skew window', async () => {
    await post(signBody, auth(signBody, { t: nowSeconds - MAX_CLOCK_SKEW_SECONDS })).expect(200);
  });

  it.each([
    ['not JSON', 'signingInput=abc'],
    ['no signingInput', '{}'],
    ['signingInput not base64url', JSON.stringify({ signingInput: 'a+b/c=' })],
    ['an empty signingInput', JSON.stringify({ signingInput: '' })],
    ['a signingInput over 8 KB', JSON.stringify({ signingInput: Buffer.alloc(8193, 1).toString('base64url') })],
  ])('refuses an authenticated request with %s (400)', async (_name, body) => {
    await post(body, auth(body)).expect(400);
  });
});
