import { Redis } from 'ioredis';
import request from 'supertest';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  generateClientSecret,
  hashClientSecret,
  type KeyRing,
} from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore, sessionCookieNames } from '@jwks-kit/issuer/sessions';
import { BUILT_IN_NAMES, breakableKeyStore, createClock, type TestClock } from '@jwks-kit/test-kit';
import { AUDIENCES } from '../../shared/src/audiences.js';
import { createApp } from '../src/create-app.js';
import { createLoginRateLimiter } from '../src/login-rate-limiter.js';
import { createUserDirectory, DEMO_USERS, type UserDirectory } from '../src/users.js';

const ISSUER = 'http://127.0.0.1:4000';
const { access: ACCESS, refresh: REFRESH } = sessionCookieNames(true);
const PAGE = ISSUER;

function cookiesOf(res: request.Response): Record<string, string> {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  return Object.fromEntries((raw ?? []).map((c) => [c.slice(0, c.indexOf('=')), c]));
}
const valueOf = (setCookie: string | undefined) => (setCookie ?? '').split(';')[0]!.split('=').slice(1).join('=');
const header = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string; typ: string; alg: string };

describe('auth service', () => {
  let users: UserDirectory;
  let clock: TestClock;
  let keyRing: KeyRing;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    users = await createUserDirectory(DEMO_USERS);
  });
  beforeEach(async () => {
    clock = createClock(Date.now());
    keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 60_000,
      maxTokenLifetimeSeconds: 600,
      now: clock.now,
    });
    app = build();
  });
  const build = (overrides: Partial<Parameters<typeof createApp>[0]> = {}) =>
    createApp({
      issuerUrl: ISSUER,
      keyRing,
      users,
      denylist: createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 }),
      refreshStore: createMemoryRefreshTokenStore(),
      allowedOrigins: [PAGE],
      ordersPort: 4001,
      profilePort: 4002,
      refreshGraceMs: 1000,
      loginRateLimiter: createLoginRateLimiter({ maxFailuresPerUsername: 3, windowSeconds: 60 }),
      now: clock.now,
      log: () => {},
      ...overrides,
    });

  const passwordGrant = (username: string, password: string) =>
    request(app).post('/token').type('form').send({ grant_type: 'password', username, password });
  const refreshGrant = (token: string) =>
    request(app).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('GET /session with any claims the verifier accepts', () => {
    const signed = async (claims: Record<string, unknown>) =>
      (
        await createAccessTokenSigner({
          issuer: ISSUER,
          keyRing,
          defaultAudience: AUDIENCES.auth,
          maxTokenBytes: 8_192,
          now: clock.now,
        }).sign({
          sub: 'alice',
          scope: 'orders:read',
          clientId: 'web',
          claims,
        })
      ).token;

    it('answers 401 claims_too_deep, not 500, for a validly signed token nested 2,200 levels deep', async () => {
      const deep = JSON.parse('['.repeat(2_200) + ']'.repeat(2_200));
      const res = await request(app)
        .get('/session')
        .set(bearer(await signed({ deep })));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_token', code: 'claims_too_deep' });
    });

    it('echoes claims at the depth limit', async () => {
      const atLimit = JSON.parse('['.repeat(31) + ']'.repeat(31));
      const res = await request(app)
        .get('/session')
        .set(bearer(await signed({ deep: atLimit })));
      expect(res.body).toMatchObject({ claims: expect.objectContaining({ deep: atLimit }) });
      expect(res.status).toBe(200);
    });

    it('echoes claims named like built-ins (and toJSON) as plain data, with the real sub and scope', async () => {
      const names = [...BUILT_IN_NAMES, 'toJSON'];
      const claims = Object.fromEntries(names.map((name) => [name, { sub: 'admin', scope: 'admin' }]));
      const res = await request(app)
        .get('/session')
        .set(bearer(await signed(claims)));
      expect(res.status).toBe(200);
      const echoed = JSON.parse(res.text) as { claims: Record<string, unknown> };
      for (const name of names)
        expect(Object.getOwnPropertyDescriptor(echoed.claims, name)?.value).toEqual(claims[name]);
      expect(echoed.claims.sub).toBe('alice');
      expect(echoed.claims.scope).toBe('orders:read');
    });
  });

  describe('POST /login (browser)', () => {
    it('sets the access token in an httpOnly Secure SameSite=Lax cookie and the refresh token in a cookie scoped to /refresh', async () => {
      const res = await request(app)
        .post('/login')
        .set('Origin', PAGE)
        .send({ username: 'alice', password: 'alice-pass' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      expect(JSON.stringify(res.body)).not.toMatch(/eyJ/);
      const cookies = cookiesOf(res);
      expect(cookies[ACCESS]).toMatch(/HttpOnly/);
      expect(cookies[ACCESS]).toMatch(/Secure/);
      expect(cookies[ACCESS]).toMatch(/SameSite=Lax/);
      expect(cookies[ACCESS]).toMatch(/Path=\/;/);
      expect(cookies[REFRESH]).toMatch(/HttpOnly/);
      expect(cookies[REFRESH]).toMatch(/Path=\/refresh/);
      expect(cookies[REFRESH]).toMatch(/SameSite=Strict/);
      const session = await request(app)
        .get('/session')
        .set('Cookie', `${ACCESS}=${valueOf(cookies[ACCESS])}`);
      expect(session.status).toBe(200);
      expect(session.body.claims).toMatchObject({ sub: 'alice', iss: ISSUER, scope: 'orders:read profile:read' });
    });

    it('tells the page its session in non-secret terms: claims, signing kid, deadlines, server time; never a token', async () => {
      const loginAt = clock.now();
      const login = await request(app)
        .post('/login')
        .set('Origin', PAGE)
        .send({ username: 'alice', password: 'alice-pass' });
      const access = valueOf(cookiesOf(login)[ACCESS]);
      const session = await request(app).get('/session').set('Cookie', `${ACCESS}=${access}`);
      expect(session.headers['cache-control']).toBe('no-store');
      expect(session.body).toEqual({
        claims: expect.objectContaining({ sub: 'alice', sid: expect.any(String) }),
        kid: keyRing.signingKey().kid,
        server_time_ms: clock.now(),
        session: {
          started_at_ms: loginAt,
          refresh_expires_at_ms: loginAt + 14 * 86_400_000,
          absolute_expires_at_ms: loginAt + 30 * 86_400_000,
        },
      });
      expect(JSON.stringify(session.body)).not.toContain(access);
      expect(JSON.stringify(session.body)).not.toContain(valueOf(cookiesOf(login)[REFRESH]));

      // A refresh moves the idle deadline, not the absolute one.
      clock.advance(60_000);
      const refreshed = await request(app)
        .post('/refresh')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${valueOf(cookiesOf(login)[REFRESH])}`);
      const next = valueOf(cookiesOf(refreshed)[ACCESS]);
      const later = await request(app).get('/session').set('Cookie', `${ACCESS}=${next}`);
      expect(later.body.session).toEqual({
        started_at_ms: loginAt,
        refresh_expires_at_ms: loginAt + 60_000 + 14 * 86_400_000,
        absolute_expires_at_ms: loginAt + 30 * 86_400_000,
      });
    });

    it('ends a session at its configured absolute lifetime, refreshed or not', async () => {
      const short = build({ refreshAbsoluteLifetimeMs: 120_000, refreshIdleTimeoutMs: 60_000 });
      const login = await request(short)
        .post('/login')
        .set('Origin', PAGE)
        .send({ username: 'alice', password: 'alice-pass' });
      let refresh = valueOf(cookiesOf(login)[REFRESH]);
      for (const _ of [1, 2, 3]) {
        clock.advance(35_000);
        const res = await request(short).post('/refresh').set('Origin', PAGE).set('Cookie', `${REFRESH}=${refresh}`);
        expect(res.status).toBe(200);
        refresh = valueOf(cookiesOf(res)[REFRESH]);
      }
      clock.advance(16_000);
      const over = await request(short).post('/refresh').set('Origin', PAGE).set('Cookie', `${REFRESH}=${refresh}`);
      expect(over.status).toBe(401);
      expect(over.body.code).toBe('refresh_token_expired');
    });

    it('answers a wrong password and an unknown user with the same 401 and no cookie', async () => {
      const wrong = await request(app).post('/login').send({ username: 'alice', password: 'nope' });
      const unknown = await request(app).post('/login').send({ username: 'mallory', password: 'nope' });
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          error: 'invalid_grant',
          code: 'invalid_credentials',
          error_description: 'Invalid username or password.',
        });
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });

    it('answers bad JSON and missing or malformed fields with 400 and a fixed message', async () => {
      const badJson = await request(app).post('/login').set('Content-Type', 'application/json').send('{"username":');
      expect(badJson.status).toBe(400);
      expect(badJson.body.error).toBe('invalid_request');
      const missing = await request(app).post('/login').send({ username: 'alice' });
      expect(missing.status).toBe(400);
      const weird = await request(app).post('/login').send({ username: '<img src=x>', password: 'x' });
      expect(weird.status).toBe(400);
      expect(JSON.stringify(weird.body)).not.toContain('img');
      const array = await request(app)
        .post('/login')
        .send({ username: ['alice'], password: 'alice-pass' });
      expect(array.status).toBe(400);
    });

    it('rate-limits failed logins per username with 429 and Retry-After, even with the right password', async () => {
      for (let i = 0; i < 3; i++)
        expect((await request(app).post('/login').send({ username: 'bob', password: 'guess' })).status).toBe(401);
      const locked = await request(app).post('/login').send({ username: 'bob', password: 'bob-pass' });
      expect(locked.status).toBe(429);
      expect(locked.body).toEqual({
        error: 'too_many_requests',
        code: 'too_many_requests',
        error_description: 'Too many failed logins; try again later.',
      });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
      const viaToken = await passwordGrant('bob', 'bob-pass');
      expect(viaToken.status).toBe(429);
      expect((await request(app).post('/login').send({ username: 'alice', password: 'alice-pass' })).status).toBe(200);
    });

    /** A password grant at `app` whose X-Forwarded-For names the client `ip`. */
    const forwardedGrant = (target: typeof app) => (ip: string, username: string, password: string) =>
      request(target)
        .post('/token')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ grant_type: 'password', username, password });

    it('counts the TCP peer per IP without trust proxy: a forged X-Forwarded-For buys no fresh attempts', async () => {
      const strict = build({
        loginRateLimiter: createLoginRateLimiter({ maxFailuresPerUsername: 5, maxFailuresPerIp: 2 }),
      });
      const grant = forwardedGrant(strict);
      expect((await grant('198.51.100.1', 'carol', 'x')).status).toBe(401);
      expect((await grant('198.51.100.2', 'dave', 'x')).status).toBe(401);
      expect((await grant('198.51.100.99', 'bob', 'bob-pass')).status).toBe(429);
    });

    it('with trust proxy, counts the client named by the proxy: one IP locked, another served, the username rule over both', async () => {
      const proxied = build({
        trustProxy: 'loopback',
        loginRateLimiter: createLoginRateLimiter({ maxFailuresPerUsername: 3, maxFailuresPerIp: 2 }),
      });
      const grant = forwardedGrant(proxied);
      expect((await grant('198.51.100.1', 'carol', 'x')).status).toBe(401);
      expect((await grant('198.51.100.1', 'dave', 'x')).status).toBe(401);
      expect((await grant('198.51.100.1', 'bob', 'bob-pass')).status).toBe(429);
      expect((await grant('198.51.100.2', 'bob', 'bob-pass')).status).toBe(200);
      for (const ip of ['198.51.100.3', '198.51.100.4', '198.51.100.5'])
        expect((await grant(ip, 'alice', 'guess')).status).toBe(401);
      expect((await grant('198.51.100.6', 'alice', 'alice-pass')).status).toBe(429);
    });

    it('fails closed with 503 and Retry-After when the limiter cannot count (Redis down), never checking the password', async () => {
      const offline = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, lazyConnect: true });
      const logged: string[] = [];
      const closed = build({
        loginRateLimiter: createLoginRateLimiter({ redis: offline }),
        log: (line) => logged.push(line),
      });
      const res = await request(closed).post('/login').send({ username: 'alice', password: 'alice-pass' });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.code).toBe('temporarily_unavailable');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(logged.join('\n')).toContain('login throttling unavailable');
      offline.disconnect();
    });

    it('refuses a login posted from a foreign origin or cross-site', async () => {
      const foreign = await request(app)
        .post('/login')
        .set('Origin', 'http://evil.example')
        .send({ username: 'alice', password: 'alice-pass' });
      expect(foreign.status).toBe(403);
      expect(foreign.headers['set-cookie']).toBeUndefined();
      const crossSite = await request(app)
        .post('/login')
        .set('Sec-Fetch-Site', 'cross-site')
        .send({ username: 'alice', password: 'alice-pass' });
      expect(crossSite.status).toBe(403);
    });
  });

  describe('POST /token (clients)', () => {
    it('issues RS256 at+jwt access tokens signed with the active kid, and an opaque refresh token, never cached', async () => {
      const res = await passwordGrant('alice', 'alice-pass');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      expect(header(res.body.access_token)).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: keyRing.signingKey().kid });
      expect(res.body.refresh_token).not.toContain('.');
    });

    it('refuses unknown grant types and a refresh grant without a token', async () => {
      const unsupported = await request(app).post('/token').type('form').send({ grant_type: 'client_credentials' });
      expect(unsupported.status).toBe(400);
      expect(unsupported.body.error).toBe('unsupported_grant_type');
      const missing = await request(app).post('/token').type('form').send({ grant_type: 'refresh_token' });
      expect(missing.status).toBe(401);
      expect(missing.body.code).toBe('refresh_token_missing');
      expect((await refreshGrant('not-a-refresh-token')).body.code).toBe('refresh_token_malformed');
    });

    it('rotates refresh tokens; replaying a rotated one revokes every session of the user', async () => {
      const login = (await passwordGrant('alice', 'alice-pass')).body;
      const other = (await passwordGrant('alice', 'alice-pass')).body;
      const rotated = await refreshGrant(login.refresh_token);
      expect(rotated.status).toBe(200);
      expect(rotated.body.refresh_token).not.toBe(login.refresh_token);
      expect((await request(app).get('/session').set(bearer(rotated.body.access_token))).status).toBe(200);
      clock.advance(1_500);
      const replay = await refreshGrant(login.refresh_token);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('refresh_token_reused');
      for (const token of [rotated.body.access_token, other.access_token]) {
        const res = await request(app).get('/session').set(bearer(token));
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('token_revoked');
      }
      expect((await refreshGrant(rotated.body.refresh_token)).status).toBe(401);
      // the user's other session (another device) ends too: its refresh token no longer works
      expect((await refreshGrant(other.refresh_token)).status).toBe(401);
    });

    it('gives concurrent refreshes inside the grace window the same successor, without a theft alarm', async () => {
      const login = (await passwordGrant('alice', 'alice-pass')).body;
      const [a, b] = await Promise.all([refreshGrant(login.refresh_token), refreshGrant(login.refresh_token)]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(a.body.refresh_token).toBe(b.body.refresh_token);
    });
  });

  describe('POST /refresh, GET /session, POST /logout (browser)', () => {
    it('refreshes from the cookie after the access token expired, then logs out and kills both tokens', async () => {
      const login = await request(app)
        .post('/login')
        .set('Origin', PAGE)
        .send({ username: 'alice', password: 'alice-pass' });
      const first = cookiesOf(login);
      const access = valueOf(first[ACCESS]);
      clock.advance(306_000);
      const expired = await request(app).get('/session').set('Cookie', `${ACCESS}=${access}`);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('token_expired');

      const forged = await request(app)
        .post('/refresh')
        .set('Origin', 'http://evil.example')
        .set('Cookie', `${REFRESH}=${valueOf(first[REFRESH])}`);
      expect(forged.status).toBe(403);
      const refreshed = await request(app)
        .post('/refresh')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${valueOf(first[REFRESH])}`);
      expect(refreshed.status).toBe(200);
      const second = cookiesOf(refreshed);
      const newAccess = valueOf(second[ACCESS]);
      expect((await request(app).get('/session').set('Cookie', `${ACCESS}=${newAccess}`)).status).toBe(200);

      const out = await request(app).post('/logout').set('Origin', PAGE).set('Cookie', `${ACCESS}=${newAccess}`);
      expect(out.status).toBe(204);
      expect(cookiesOf(out)[ACCESS]).toMatch(/^__Host-access_token=;/);
      const after = await request(app).get('/session').set('Cookie', `${ACCESS}=${newAccess}`);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('token_revoked');
      const dead = await request(app)
        .post('/refresh')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${valueOf(second[REFRESH])}`);
      expect(dead.status).toBe(401);
    });

    it('refuses /refresh without a cookie and /session without a token', async () => {
      expect((await request(app).post('/refresh')).status).toBe(401);
      const anonymous = await request(app).get('/session');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('admin endpoints', () => {
    it('lets admin revoke one token by jti and every token of a subject; refuses non-admins with 403', async () => {
      const admin = (await passwordGrant('admin', 'admin-pass')).body.access_token;
      const alice = (await passwordGrant('alice', 'alice-pass')).body.access_token;
      const bob = (await passwordGrant('bob', 'bob-pass')).body.access_token;
      const refused = await request(app).post('/admin/revoke').set(bearer(alice)).send({ sub: 'bob' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('insufficient_scope');

      const aliceJti = (await request(app).get('/session').set(bearer(alice))).body.claims.jti;
      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({ jti: aliceJti })).status).toBe(200);
      expect((await request(app).get('/session').set(bearer(alice))).body.code).toBe('token_revoked');

      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({ sub: 'bob' })).status).toBe(200);
      expect((await request(app).get('/session').set(bearer(bob))).body.code).toBe('token_revoked');

      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({})).status).toBe(400);
      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({ sid: 'a', sub: 'b' })).status).toBe(
        400,
      );
      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({ sid: 'a', jti: 7 })).status).toBe(400);
      expect((await request(app).post('/admin/revoke').set(bearer(admin)).send({ jti: 'a', sub: 'b' })).status).toBe(
        400,
      );
    });

    it('lets admin end one session by sid: its refresh token and every access token of it die, other sessions live', async () => {
      const admin = (await passwordGrant('admin', 'admin-pass')).body.access_token;
      const one = (await passwordGrant('alice', 'alice-pass')).body;
      const other = (await passwordGrant('alice', 'alice-pass')).body;
      const sid = (await request(app).get('/session').set(bearer(one.access_token))).body.claims.sid;
      const refused = await request(app).post('/admin/revoke').set(bearer(other.access_token)).send({ sid });
      expect(refused.status).toBe(403);
      const revoked = await request(app).post('/admin/revoke').set(bearer(admin)).send({ sid });
      expect(revoked.body).toEqual({ revoked: { sid }, session_ended: true });
      expect((await request(app).get('/session').set(bearer(one.access_token))).body.code).toBe('token_revoked');
      expect((await refreshGrant(one.refresh_token)).body.code).toBe('refresh_token_invalid');
      expect((await request(app).get('/session').set(bearer(other.access_token))).status).toBe(200);
      expect((await refreshGrant(other.refresh_token)).status).toBe(200);
      const again = await request(app).post('/admin/revoke').set(bearer(admin)).send({ sid });
      expect(again.body).toEqual({ revoked: { sid }, session_ended: false });
    });

    it('rotates keys only once the next key was published long enough; old tokens stay valid, new ones use the new kid', async () => {
      const admin = (await passwordGrant('admin', 'admin-pass')).body.access_token;
      const early = await request(app).post('/admin/rotate-keys').set(bearer(admin));
      expect(early.status).toBe(409);
      expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);
      const oldKid = keyRing.signingKey().kid;
      const nextKid = keyRing.keys().find((k) => k.state === 'next')!.kid;
      const jwksBefore = await request(app).get('/.well-known/jwks.json');
      expect(jwksBefore.body.keys.map((k: { kid: string }) => k.kid)).toEqual(
        expect.arrayContaining([oldKid, nextKid]),
      );

      clock.advance(Number(early.headers['retry-after']) * 1000);
      const signedBefore = (await passwordGrant('admin', 'admin-pass')).body.access_token;
      expect(header(signedBefore).kid).toBe(oldKid);
      const rotated = await request(app).post('/admin/rotate-keys').set(bearer(signedBefore));
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({ previous_kid: oldKid, kid: nextKid });
      expect((await request(app).get('/session').set(bearer(signedBefore))).status).toBe(200);
      const fresh = (await passwordGrant('alice', 'alice-pass')).body.access_token;
      expect(header(fresh).kid).toBe(nextKid);

      const alice = (await passwordGrant('alice', 'alice-pass')).body.access_token;
      expect((await request(app).post('/admin/rotate-keys').set(bearer(alice))).status).toBe(403);

      // A suspected compromise: {"force": true} rotates at once, before the new next key is ready.
      expect((await request(app).post('/admin/rotate-keys').set(bearer(signedBefore))).status).toBe(409);
      const forced = await request(app).post('/admin/rotate-keys').set(bearer(signedBefore)).send({ force: true });
      expect(forced.status).toBe(200);
      expect(forced.body.previous_kid).toBe(nextKid);
      expect(keyRing.signingKey().kid).toBe(forced.body.kid);
    });
  });

  describe('public endpoints', () => {
    it('publishes only public key members, discovery metadata, health and the page with a CSP', async () => {
      const jwks = await request(app).get('/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.headers['cache-control']).toMatch(/max-age=/);
      for (const key of jwks.body.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      const discovery = await request(app).get('/.well-known/openid-configuration');
      expect(discovery.body).toMatchObject({
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        token_endpoint: `${ISSUER}/token`,
      });
      expect((await request(app).get('/healthz')).status).toBe(200);
      expect((await request(app).get('/readyz')).body).toMatchObject({
        status: 'ready',
        checks: { keyRing: { state: 'ok', fresh: true }, refreshStore: { state: 'ok' }, denylist: { state: 'ok' } },
      });
      const page = await request(app).get('/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<form id="login"');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.text).not.toMatch(/<style|style=/);
      const css = await request(app).get('/style.css');
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expect((await request(app).get('/web-config.json')).body).toEqual({
        ordersPort: 4001,
        profilePort: 4002,
        refreshGraceMs: 1000,
        demoTourRoutes: false,
      });
    });
  });

  describe('readiness over a shared key store (Redis in production)', () => {
    const SAFETY_MARGIN_MS = 7_200_000;
    // A started ring over a store other replicas share (it has watch()), whose reads fail while `store.broken`. The
    // scheduler's period is an hour: only a caller that finds the ring stale can bring it back here.
    const sharedRing = async () => {
      const store = breakableKeyStore(createMemoryKeyStore());
      const shared = await createKeyRing({
        store,
        maxJwksCacheAgeMs: 60_000,
        maxTokenLifetimeSeconds: 600,
        safetyMarginMs: SAFETY_MARGIN_MS,
        checkIntervalMs: 3_600_000,
        now: clock.now,
      });
      shared.start();
      const sharedApp = build({ keyRing: shared });
      const grant = (body: Record<string, string>) => request(sharedApp).post('/token').type('form').send(body);
      return { store, shared, sharedApp, grant };
    };
    const ALICE = { grant_type: 'password', username: 'alice', password: 'alice-pass' };

    it('is not ready while the key ring is stale (it signs nothing: logins and refreshes 503), and ready once the store answers, without waiting for the scheduler', async () => {
      const { store, shared, sharedApp, grant } = await sharedRing();
      try {
        const login = await grant(ALICE);
        expect(login.status).toBe(200);
        expect((await request(sharedApp).get('/readyz')).status).toBe(200);

        // The outage outlasts the ring's safety margin: its Redis connection may be back, its view of the keys is not.
        store.broken = true;
        clock.advance(SAFETY_MARGIN_MS + 1);
        const notReady = await request(sharedApp).get('/readyz');
        expect(notReady.status).toBe(503);
        expect(notReady.body).toMatchObject({
          status: 'not_ready',
          checks: {
            keyRing: { state: 'failing', fresh: false },
            refreshStore: { state: 'ok' },
            denylist: { state: 'ok' },
          },
        });
        for (const refused of [
          await grant({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token }),
          await grant(ALICE),
        ]) {
          expect(refused.status).toBe(503);
          expect(refused.headers['retry-after']).toBe('1');
          expect(refused.body.code).toBe('temporarily_unavailable');
        }

        // The store answers again: the probe that finds the ring stale starts its re-read; the next probe is ready.
        store.broken = false;
        expect((await request(sharedApp).get('/readyz')).body.checks.keyRing).toMatchObject({ state: 'failing' });
        await new Promise((resolve) => setImmediate(resolve));
        expect((await request(sharedApp).get('/readyz')).body).toMatchObject({
          status: 'ready',
          checks: { keyRing: { state: 'ok', fresh: true } },
        });
        // The refused refresh forked nothing: the same token rotates now.
        const rotated = await grant({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
        expect(rotated.status).toBe(200);
        expect(rotated.body.refresh_token).not.toBe(login.body.refresh_token);
      } finally {
        await shared.stop();
      }
    });

    it('stays alive (/healthz 200, with the active kid) while the key ring is stale; readiness says not ready', async () => {
      const { store, shared, sharedApp } = await sharedRing();
      try {
        const kid = shared.signingKey().kid;
        store.broken = true;
        clock.advance(SAFETY_MARGIN_MS + 1);
        expect(() => shared.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_RING_STALE' }));
        const live = await request(sharedApp).get('/healthz');
        expect(live.status).toBe(200);
        expect(live.body).toEqual({ status: 'ok', kid });
        const ready = await request(sharedApp).get('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ status: 'not_ready', checks: { keyRing: { state: 'failing' } } });
      } finally {
        await shared.stop();
      }
    });

    it('a refresh or login arriving as the store comes back waits for the key ring’s re-read and signs, instead of answering 503', async () => {
      const { store, shared, grant } = await sharedRing();
      try {
        const login = await grant(ALICE);
        expect(login.status).toBe(200);
        store.broken = true;
        clock.advance(SAFETY_MARGIN_MS + 1);
        // Still down: the re-read the refresh waits for fails, so it is refused as before (and forks nothing).
        const refused = await grant({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
        expect(refused.status).toBe(503);
        expect(refused.body.code).toBe('temporarily_unavailable');
        // The re-read that refusal started fails too: the ring is stale, with no read in flight.
        await new Promise((resolve) => setImmediate(resolve));

        // The store answers: no probe and no tick came first, yet the client's immediate retry rotates, and a login signs.
        store.broken = false;
        const rotated = await grant({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
        expect(rotated.status).toBe(200);
        expect(rotated.body.refresh_token).not.toBe(login.body.refresh_token);
        expect((await grant(ALICE)).status).toBe(200);
      } finally {
        await shared.stop();
      }
    });
  });

  describe('the replay demo routes (DEMO_TOUR=1)', () => {
    const COPY = '__Secure-demo_copied_refresh_token';
    const browserLogin = async (target: ReturnType<typeof createApp>) =>
      cookiesOf(
        await request(target).post('/login').set('Origin', PAGE).send({ username: 'alice', password: 'alice-pass' }),
      );

    it('are absent unless switched on', async () => {
      const cookies = await browserLogin(app);
      const res = await request(app)
        .post('/refresh/demo/copy')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${valueOf(cookies[REFRESH])}`);
      expect(res.status).toBe(404);
    });

    it('copy the refresh cookie into an httpOnly cookie; replaying the copy after a rotation ends every session of the user', async () => {
      const demo = build({ demoTourRoutes: true });
      const cookies = await browserLogin(demo);
      const [access, refresh] = [valueOf(cookies[ACCESS]), valueOf(cookies[REFRESH])];
      const copied = await request(demo)
        .post('/refresh/demo/copy')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${refresh}`);
      expect(copied.status).toBe(204);
      const copy = cookiesOf(copied)[COPY]!;
      expect(copy).toMatch(/HttpOnly/);
      expect(copy).toMatch(/Secure/);
      expect(copy).toMatch(/SameSite=Strict/);
      expect(copy).toMatch(/Path=\/refresh\/demo/);
      expect(JSON.stringify(copied.body)).not.toContain(refresh);

      // Replaying a copy that is still the live token would only refresh: refused, nothing changes.
      const early = await request(demo)
        .post('/refresh/demo/replay')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${refresh}; ${COPY}=${valueOf(copy)}`);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('copy_still_live');
      expect(cookiesOf(early)[REFRESH]).toBeUndefined();

      const rotated = await request(demo).post('/refresh').set('Origin', PAGE).set('Cookie', `${REFRESH}=${refresh}`);
      expect(rotated.status).toBe(200);
      const successor = valueOf(cookiesOf(rotated)[REFRESH]);
      clock.advance(1_500); // past the 1 s grace window
      const replay = await request(demo)
        .post('/refresh/demo/replay')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${successor}; ${COPY}=${valueOf(copy)}`);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('refresh_token_reused');
      expect(cookiesOf(replay)[COPY]).toMatch(new RegExp(`^${COPY}=;`));
      expect(cookiesOf(replay)[REFRESH]).toMatch(new RegExp(`^${REFRESH}=;`));
      const after = await request(demo).post('/refresh').set('Origin', PAGE).set('Cookie', `${REFRESH}=${successor}`);
      expect(after.body.code).toBe('refresh_token_invalid');
      expect((await request(demo).get('/session').set('Cookie', `${ACCESS}=${access}`)).body.code).toBe(
        'token_revoked',
      );
    });

    it('refuse a foreign origin, a missing refresh cookie and a replay without a copy', async () => {
      const demo = build({ demoTourRoutes: true });
      const cookies = await browserLogin(demo);
      const refresh = valueOf(cookies[REFRESH]);
      const foreign = await request(demo)
        .post('/refresh/demo/copy')
        .set('Origin', 'http://evil.example')
        .set('Cookie', `${REFRESH}=${refresh}`);
      expect(foreign.status).toBe(403);
      expect(cookiesOf(foreign)[COPY]).toBeUndefined();
      const crossSiteReplay = await request(demo)
        .post('/refresh/demo/replay')
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Cookie', `${COPY}=${refresh}`);
      expect(crossSiteReplay.status).toBe(403);
      const none = await request(demo).post('/refresh/demo/copy').set('Origin', PAGE);
      expect(none.status).toBe(401);
      expect(none.body.code).toBe('refresh_token_missing');
      const noCopy = await request(demo)
        .post('/refresh/demo/replay')
        .set('Origin', PAGE)
        .set('Cookie', `${REFRESH}=${refresh}`);
      expect(noCopy.status).toBe(400);
      expect(noCopy.body.code).toBe('no_copied_refresh_token');
      // Nothing of the above touched the session.
      expect(
        (await request(demo).post('/refresh').set('Origin', PAGE).set('Cookie', `${REFRESH}=${refresh}`)).status,
      ).toBe(200);
    });
  });

  describe('POST /revoke and POST /introspect (RFC 7009, RFC 7662) for registered clients', () => {
    const cliSecret = generateClientSecret();
    const ordersSecret = generateClientSecret();
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const withClients = () =>
      build({
        oauthClients: [
          { clientId: 'cli', secretHash: hashClientSecret(cliSecret) },
          { clientId: 'orders-service', secretHash: hashClientSecret(ordersSecret), audiences: [AUDIENCES.orders] },
        ],
      });

    it('introspects a token for the orders service, and revoking the CLI’s refresh token ends its session', async () => {
      app = withClients();
      const grant = (await passwordGrant('alice', 'alice-pass')).body as {
        access_token: string;
        refresh_token: string;
      };
      const active = await request(app)
        .post('/introspect')
        .set('Authorization', basic('orders-service', ordersSecret))
        .type('form')
        .send({ token: grant.access_token });
      expect(active.body).toMatchObject({ active: true, sub: 'alice', client_id: 'cli', token_type: 'Bearer' });

      const revoked = await request(app)
        .post('/revoke')
        .set('Authorization', basic('cli', cliSecret))
        .type('form')
        .send({ token: grant.refresh_token, token_type_hint: 'refresh_token' });
      expect(revoked.status).toBe(200);
      expect((await refreshGrant(grant.refresh_token)).status).toBeGreaterThanOrEqual(400);
      clock.advance(1_000);
      const after = await request(app)
        .post('/introspect')
        .set('Authorization', basic('orders-service', ordersSecret))
        .type('form')
        .send({ token: grant.access_token });
      expect(after.body).toEqual({ active: false });
    });

    it('lists both endpoints in discovery only when clients are registered', async () => {
      app = withClients();
      const listed = await request(app).get('/.well-known/openid-configuration');
      expect(listed.body).toMatchObject({
        revocation_endpoint: `${ISSUER}/revoke`,
        introspection_endpoint: `${ISSUER}/introspect`,
      });
      app = build();
      const plain = await request(app).get('/.well-known/openid-configuration');
      expect(plain.body.revocation_endpoint).toBeUndefined();
      expect((await request(app).post('/introspect').type('form').send({ token: 'x' })).status).toBe(404);
    });
  });
});
