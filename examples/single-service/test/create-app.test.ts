import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import request from 'supertest';
import { createClock } from '@jwks-kit/test-kit';
import { createUserDirectory, DEMO_USERS, type UserDirectory } from '../../auth-service/src/users.js';
import { readSingleServiceConfig } from '../src/config.js';
import { createApp } from '../src/create-app.js';

const ISSUER = 'http://127.0.0.1:4010';
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const b64json = (value: object) => b64(JSON.stringify(value));
const parts = (token: string) => token.split('.') as [string, string, string];

describe('single-service: HS256 end to end, login to protected route', () => {
  const clock = createClock();
  const secret = randomBytes(32);
  let users: UserDirectory;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    users = await createUserDirectory(DEMO_USERS);
    app = createApp({ issuerUrl: ISSUER, secret, users, now: clock.now, log: () => {} });
  });

  const login = async (username = 'alice', password = `${username}-pass`) =>
    request(app).post('/login').send({ username, password });
  const me = (token: string) => request(app).get('/me').set('authorization', `Bearer ${token}`);

  it('logs alice in with an HS256 token (no kid, iss = aud = the service) that opens /me and /notes', async () => {
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    const token = res.body.access_token as string;
    expect(JSON.parse(Buffer.from(parts(token)[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString())).toMatchObject({
      iss: ISSUER,
      aud: ISSUER,
      sub: 'alice',
    });
    expect((await me(token).expect(200)).body).toEqual({ sub: 'alice', scope: 'orders:read profile:read' });
    await request(app).get('/notes').set('authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses a wrong password (401 invalid_credentials), no token (401) and a missing scope (403)', async () => {
    expect((await login('alice', 'nope')).status).toBe(401);
    expect((await login('alice', 'nope')).body.code).toBe('invalid_credentials');
    const res = await request(app).get('/me').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const bob = (await login('bob')).body.access_token as string;
    const notes = await request(app).get('/notes').set('authorization', `Bearer ${bob}`).expect(403);
    expect(notes.headers['www-authenticate']).toMatch(/insufficient_scope/);
  });

  it('refuses forged tokens: another secret, a tampered payload, alg none, RS256 and ES256 signatures, expiry', async () => {
    const token = (await login()).body.access_token as string;
    const [h, p] = parts(token);
    const hmac = (key: Buffer, input: string) => createHmac('sha256', key).update(input).digest('base64url');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const admin = b64json({ ...claims, sub: 'admin', scope: 'admin' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const rsHeader = b64json({ alg: 'RS256', typ: 'at+jwt', kid: 'k' });
    const esHeader = b64json({ alg: 'ES256', typ: 'at+jwt', kid: 'k' });
    const forged = [
      `${h}.${p}.${hmac(randomBytes(32), `${h}.${p}`)}`,
      `${h}.${admin}.${parts(token)[2]}`,
      `${b64json({ alg: 'none', typ: 'at+jwt' })}.${p}.`,
      `${rsHeader}.${p}.${b64(sign('sha256', Buffer.from(`${rsHeader}.${p}`), rsa))}`,
      `${esHeader}.${p}.${b64(sign('sha256', Buffer.from(`${esHeader}.${p}`), { key: ec, dsaEncoding: 'ieee-p1363' }))}`,
    ];
    for (const candidate of forged) expect((await me(candidate)).status).toBe(401);
    clock.advance(301_000 + 5_000);
    const expired = await me(token);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');
  });

  it('publishes nothing: there is no JWKS or discovery route', async () => {
    await request(app).get('/.well-known/jwks.json').expect(404);
    await request(app).get('/.well-known/openid-configuration').expect(404);
  });

  it('reads HS256_SECRET as base64url of at least 32 bytes, generates one when unset, refuses a short one', () => {
    const given = randomBytes(32);
    expect(readSingleServiceConfig({ HS256_SECRET: given.toString('base64url') }).secret.equals(given)).toBe(true);
    const generated = readSingleServiceConfig({});
    expect(generated).toMatchObject({ generatedSecret: true, port: 4010 });
    expect(generated.secret).toHaveLength(32);
    for (const bad of [randomBytes(31).toString('base64url'), 'not base64url!', 'c2VjcmV0'])
      expect(() => readSingleServiceConfig({ HS256_SECRET: bad })).toThrow(/HS256_SECRET must be at least 32 bytes/);
  });
});
