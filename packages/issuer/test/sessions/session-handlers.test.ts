import express from 'express';
import request from 'supertest';
import { COOKIE_VECTORS, ORIGIN_VECTORS, cookieHeader, createClock } from '@jwks-kit/test-kit';
import {
  createLogoutHandler,
  createMemoryRefreshTokenStore,
  createRefreshHandler,
  createRefreshTokenService,
  sendSessionGrant,
  type RefreshTokenStore,
  type SessionHandlerOptions,
} from '../../src/sessions.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';

const APP_ORIGIN = 'https://app.example.com';

async function createSessionApp(
  store: RefreshTokenStore = createMemoryRefreshTokenStore(),
  overrides: Partial<SessionHandlerOptions> = {},
) {
  const clock = createClock();
  const denylist = createTestDenylist(clock);
  const signer = await createTestSigner(clock);
  const service = createRefreshTokenService({ store, signAccessToken: signer.sign, denylist, now: clock.now });
  const options: SessionHandlerOptions = {
    refreshPath: '/auth',
    secure: true,
    allowedOrigins: [APP_ORIGIN],
    now: clock.now,
    ...overrides,
  };
  const app = express();
  app.post('/auth/login', express.json(), async (req, res) => {
    const grant = await service.start({ sub: String(req.body.sub) });
    sendSessionGrant(res, grant, {
      mode: req.body.mode === 'json' ? 'json' : 'cookie',
      refreshPath: '/auth',
      secure: true,
      nowMs: clock.now(),
    });
  });
  app.post('/auth/refresh', createRefreshHandler(service, options));
  app.post('/auth/logout', createLogoutHandler(service, options));
  const isRevoked = async (accessToken: string) => denylist.isRevoked(await signer.claimsOf(accessToken));
  return { app, clock, service, isRevoked };
}

/** Set-Cookie lines by cookie name. */
function cookiesOf(res: request.Response): Map<string, string> {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return new Map((header ?? []).map((line) => [line.slice(0, line.indexOf('=')), line]));
}

function valueOf(line: string | undefined): string {
  if (!line) throw new Error('cookie missing');
  return decodeURIComponent(line.slice(line.indexOf('=') + 1, line.indexOf(';')));
}

async function login(app: express.Express, sub = 'alice') {
  const res = await request(app).post('/auth/login').send({ sub });
  const cookies = cookiesOf(res);
  return {
    res,
    access: valueOf(cookies.get('__Host-access_token')),
    refresh: valueOf(cookies.get('__Secure-refresh_token')),
  };
}

const sameOrigin = { 'Sec-Fetch-Site': 'same-origin' };

describe('session cookies', () => {
  it('sets the access cookie (Lax, Path=/) and the refresh cookie (Strict, refresh path), both httpOnly and Secure', async () => {
    const { app } = await createSessionApp();
    const { res } = await login(app);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ token_type: 'Bearer', expires_in: 300 });
    const cookies = cookiesOf(res);
    const access = cookies.get('__Host-access_token')!;
    expect(access.split('; ').slice(1)).toEqual(
      expect.arrayContaining(['Max-Age=300', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']),
    );
    expect(access).not.toMatch(/Domain=/i);
    const refresh = cookies.get('__Secure-refresh_token')!;
    expect(refresh.split('; ').slice(1)).toEqual(
      expect.arrayContaining([`Max-Age=${14 * 86_400}`, 'Path=/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']),
    );
    expect(valueOf(refresh)).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('rounds Max-Age up: the refresh cookie stays until the absolute deadline, not a second short of it', async () => {
    const { app, clock } = await createSessionApp();
    let { refresh } = await login(app);
    const refreshOnce = async () => {
      const res = await request(app)
        .post('/auth/refresh')
        .set(sameOrigin)
        .set('Cookie', `__Secure-refresh_token=${refresh}`);
      expect(res.status).toBe(200);
      refresh = valueOf(cookiesOf(res).get('__Secure-refresh_token'));
      return cookiesOf(res).get('__Secure-refresh_token')!;
    };
    clock.advance(8 * 86_400_000);
    await refreshOnce();
    // 16 days and 200 ms in: the 30-day deadline is 13 days, 23 h, 59 min and 59.8 s away
    clock.advance(8 * 86_400_000 + 200);
    expect((await refreshOnce()).split('; ')).toContain(`Max-Age=${14 * 86_400}`);
  });

  it('names cookies with prefixes over https or localhost and plainly otherwise (secure: auto)', async () => {
    const { app } = await createSessionApp(undefined, { secure: 'auto' });
    const { refresh } = await login(app);
    const local = await request(app)
      .post('/auth/refresh')
      .set('Host', 'localhost:3000')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${refresh}`);
    expect(local.status).toBe(200);
    expect([...cookiesOf(local).keys()].sort()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
    const next = valueOf(cookiesOf(local).get('__Secure-refresh_token'));
    const plain = await request(app)
      .post('/auth/refresh')
      .set('Host', 'auth.internal:8080')
      .set(sameOrigin)
      .set('Cookie', `refresh_token=${next}`);
    expect(plain.status).toBe(200);
    expect([...cookiesOf(plain).keys()].sort()).toEqual(['access_token', 'refresh_token']);
    expect(cookiesOf(plain).get('access_token')).not.toMatch(/Secure/);
  });
});

describe('createRefreshHandler', () => {
  it('rotates the refresh cookie for a same-origin request and sets new cookies', async () => {
    const { app } = await createSessionApp();
    const first = await login(app);
    const res = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${first.refresh}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ token_type: 'Bearer', expires_in: 300 });
    const next = valueOf(cookiesOf(res).get('__Secure-refresh_token'));
    expect(next).not.toBe(first.refresh);
    expect(valueOf(cookiesOf(res).get('__Host-access_token'))).not.toBe(first.access);
    expect(JSON.stringify(res.body)).not.toContain(next);
  });

  it('accepts an allow-listed Origin, and refuses one that merely equals the request Host', async () => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    const forged = await request(app)
      .post('/auth/refresh')
      .set('Cookie', `__Secure-refresh_token=${refresh}`)
      .set('Host', 'auth.example.com')
      .set('Origin', 'http://auth.example.com');
    expect(forged.status).toBe(403);
    const res = await request(app)
      .post('/auth/refresh')
      .set('Cookie', `__Secure-refresh_token=${refresh}`)
      .set('Origin', APP_ORIGIN);
    expect(res.status).toBe(200);
  });

  it('answers 403 to a cross-site POST with the cookie, and leaves the family untouched', async () => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    const attempts = [
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'https://app.example.com.evil.example' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'null' },
      {},
    ];
    for (const headers of attempts) {
      const res = await request(app)
        .post('/auth/refresh')
        .set(headers)
        .set('Cookie', `__Secure-refresh_token=${refresh}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'invalid_request',
        code: 'cross_site_request',
        error_description: 'Cross-site requests may not use the session cookies.',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(
      (await request(app).post('/auth/refresh').set(sameOrigin).set('Cookie', `__Secure-refresh_token=${refresh}`))
        .status,
    ).toBe(200);
  });

  it('serves non-browser clients from a JSON or form body with the OAuth token response', async () => {
    const { app } = await createSessionApp();
    const json = await request(app).post('/auth/login').send({ sub: 'cli', mode: 'json' });
    expect(json.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: expect.any(String),
    });
    const viaJson = await request(app)
      .post('/auth/refresh')
      .send({ grant_type: 'refresh_token', refresh_token: json.body.refresh_token });
    expect(viaJson.status).toBe(200);
    expect(viaJson.headers['cache-control']).toBe('no-store');
    expect(viaJson.headers['set-cookie']).toBeUndefined();
    expect(viaJson.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: expect.any(String),
    });
    const viaForm = await request(app)
      .post('/auth/refresh')
      .type('form')
      .send({ refresh_token: viaJson.body.refresh_token });
    expect(viaForm.status).toBe(200);
    expect(viaForm.body.refresh_token).not.toBe(viaJson.body.refresh_token);
  });

  it('answers 401 invalid_grant with fixed texts for missing, malformed, unknown and expired tokens', async () => {
    const { app, clock } = await createSessionApp();
    const { refresh, access } = await login(app);
    const crafted = '<script>alert(1)</script>';
    const cases: [object, string, string][] = [
      [{}, 'refresh_token_missing', 'No refresh token was presented.'],
      [{ refresh_token: crafted }, 'refresh_token_malformed', 'The refresh token is malformed.'],
      [
        { refresh_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' },
        'refresh_token_malformed',
        'The refresh token is malformed.',
      ],
      [{ refresh_token: 'A'.repeat(64) }, 'refresh_token_invalid', 'The refresh token is not valid.'],
    ];
    for (const [body, code, text] of cases) {
      const res = await request(app).post('/auth/refresh').send(body);
      expect(res.status).toBe(401);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ error: 'invalid_grant', code, error_description: text });
    }
    clock.advance(14 * 86_400_000);
    const expired = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${refresh}; __Host-access_token=${access}`);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('refresh_token_expired');
    expect(cookiesOf(expired).get('__Secure-refresh_token')).toMatch(/Expires=Thu, 01 Jan 1970/);
    // the access token says nothing of the refresh token's expiry: its cookie stays, for the logout that revokes it
    expect(cookiesOf(expired).has('__Host-access_token')).toBe(false);
  });

  it('keeps the access cookie when the refresh cookie is gone, and clears both on any other refusal', async () => {
    const { app } = await createSessionApp();
    const { access } = await login(app);
    const missing = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Host-access_token=${access}`);
    expect(missing.body.code).toBe('refresh_token_missing');
    expect([...cookiesOf(missing).keys()]).toEqual(['__Secure-refresh_token']);
    const unknown = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${'A'.repeat(64)}; __Host-access_token=${access}`);
    expect(unknown.body.code).toBe('refresh_token_invalid');
    expect([...cookiesOf(unknown).keys()].sort()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
  });

  it('answers 401 refresh_token_reused on replay, revoking the session and the user’s access tokens', async () => {
    const { app, clock, isRevoked } = await createSessionApp();
    const first = await login(app);
    const rotated = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${first.refresh}`);
    const newest = valueOf(cookiesOf(rotated).get('__Secure-refresh_token'));
    const newestAccess = valueOf(cookiesOf(rotated).get('__Host-access_token'));
    clock.advance(10_000);
    const replay = await request(app).post('/auth/refresh').send({ refresh_token: first.refresh });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({
      error: 'invalid_grant',
      code: 'refresh_token_reused',
      error_description: 'The refresh token was already used; the session has been revoked.',
    });
    expect(await isRevoked(first.access)).toBe(true);
    expect(await isRevoked(newestAccess)).toBe(true);
    const after = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${newest}`);
    expect(after.body.code).toBe('refresh_token_invalid');
    expect([...cookiesOf(after).keys()].sort()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
  });

  it('answers 400 to a token in both cookie and body, a wrong grant_type, or an unreadable body', async () => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    const both = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', `__Secure-refresh_token=${refresh}`)
      .send({ refresh_token: refresh });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('multiple_refresh_tokens');
    const grant = await request(app).post('/auth/refresh').send({ grant_type: 'password', refresh_token: refresh });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
    for (const [type, body] of [
      ['application/json', '{"refresh_token":'],
      ['application/json', JSON.stringify({ refresh_token: ['a'] })],
      ['text/plain', refresh],
      ['application/json', JSON.stringify({ refresh_token: 'x'.repeat(5000) })],
    ] as const) {
      const res = await request(app).post('/auth/refresh').set('Content-Type', type).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'invalid_request',
        code: 'malformed_request',
        error_description: 'The request body could not be read.',
      });
    }
    expect(
      (await request(app).post('/auth/refresh').set(sameOrigin).set('Cookie', `__Secure-refresh_token=${refresh}`))
        .status,
    ).toBe(200);
  });

  it('rejects bad options with a TypeError naming the option', async () => {
    const { service } = await createSessionApp();
    expect(() => createRefreshHandler(service, {} as SessionHandlerOptions)).toThrow(/option `refreshPath`/);
    expect(() => createRefreshHandler(service, { refreshPath: 'auth' })).toThrow(/option `refreshPath`/);
    expect(() =>
      createRefreshHandler(service, { refreshPath: '/auth', allowedOrigins: ['https://a.example/path'] }),
    ).toThrow(/allowedOrigins/);
    expect(() => createRefreshHandler(service, { refreshPath: '/auth', secure: 'yes' as never })).toThrow(/secure/);
    expect(() => createLogoutHandler(service, { refreshPath: '/auth', retryAfterSeconds: -1 })).toThrow(
      /retryAfterSeconds/,
    );
    expect(() => createLogoutHandler({} as never, { refreshPath: '/auth' })).toThrow(/service/);
  });
});

describe('createLogoutHandler', () => {
  it('ends the family, denylists the current access token and clears both cookies', async () => {
    const { app, isRevoked } = await createSessionApp();
    const other = await login(app, 'bob');
    const { access, refresh } = await login(app, 'bob');
    const res = await request(app)
      .post('/auth/logout')
      .set(sameOrigin)
      .set('Cookie', [`__Secure-refresh_token=${refresh}`, `__Host-access_token=${access}`].join('; '));
    expect(res.status).toBe(204);
    const cleared = cookiesOf(res);
    expect(cleared.get('__Host-access_token')).toMatch(
      /^__Host-access_token=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(cleared.get('__Secure-refresh_token')).toMatch(
      /^__Secure-refresh_token=; Path=\/auth; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict$/,
    );
    expect(await isRevoked(access)).toBe(true);
    const again = await request(app).post('/auth/refresh').send({ refresh_token: refresh });
    expect(again.body.code).toBe('refresh_token_invalid');
    expect(await isRevoked(other.access)).toBe(false);
  });

  it('answers 403 to a cross-site logout and 204 to a logout without a session', async () => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    const forged = await request(app)
      .post('/auth/logout')
      .set('Origin', 'https://evil.example')
      .set('Cookie', `__Secure-refresh_token=${refresh}`);
    expect(forged.status).toBe(403);
    expect((await request(app).post('/auth/logout')).status).toBe(204);
    expect(
      (await request(app).post('/auth/refresh').set(sameOrigin).set('Cookie', `__Secure-refresh_token=${refresh}`))
        .status,
    ).toBe(200);
  });
});

describe('the shared origin and cookie vectors', () => {
  it.each(ORIGIN_VECTORS.map((vector) => [vector.name, vector] as const))('origin: %s', async (_name, vector) => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    let req = request(app).post('/auth/refresh').set('Cookie', `__Secure-refresh_token=${refresh}`);
    for (const [name, value] of Object.entries(vector.headers)) req = req.set(name, value);
    const res = await req;
    expect(res.status).toBe(vector.expected === 'allowed' ? 200 : 403);
    if (vector.expected === 'refused') expect(res.body.code).toBe('cross_site_request');
  });

  it.each(COOKIE_VECTORS.map((vector) => [vector.name, vector] as const))('cookie: %s', async (_name, vector) => {
    const { app } = await createSessionApp();
    const { refresh } = await login(app);
    const res = await request(app)
      .post('/auth/refresh')
      .set(sameOrigin)
      .set('Cookie', cookieHeader(vector, '__Secure-refresh_token', refresh));
    expect({ status: res.status, code: res.body.code }).toEqual(
      {
        read: { status: 200, code: undefined },
        absent: { status: 401, code: 'refresh_token_missing' },
        repeated: { status: 400, code: 'repeated_cookie' },
      }[vector.expected],
    );
  });
});
