import { request as httpRequest } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import supertest from 'supertest';
import {
  COOKIE_VECTORS,
  ORIGIN_VECTORS,
  cookieHeader,
  createClock,
  createTestKeyPair,
  type TestClock,
  type TestKeyPair,
} from '@jwks-kit/test-kit';
import { createMemoryDenylist, DenylistError } from '@jwks-kit/denylist';
import { authErrorHandler, createLocalKeySet, requireAuth, type RequireAuthOptions } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';

let pair: TestKeyPair;
let clock: TestClock;

beforeAll(async () => {
  pair = await createTestKeyPair();
});

beforeEach(() => {
  clock = createClock();
});

const COOKIE = '__Host-access';

interface AppOptions {
  readonly cookies?: boolean;
  readonly errorHandler?: boolean;
  readonly auth?: Partial<RequireAuthOptions>;
}

/** Sends `GET /orders` with exactly these header lines on a raw socket; answers the response's head. */
function rawGet(port: number, lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end !== -1) {
        socket.destroy();
        resolve(data.slice(0, end));
      }
    });
    socket.on('error', reject);
    socket.write(`GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`);
  });
}

function app(options: AppOptions = {}): Express {
  const server = express();
  if (options.cookies) server.use(cookieParser());
  const authenticate = requireAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    cookieName: COOKIE,
    allowedOrigins: ['https://app.example.com'],
    now: clock.now,
    ...options.auth,
  } as RequireAuthOptions);
  server.all('/orders', authenticate, (req, res) => {
    res.json({
      sub: req.auth?.claims.sub ?? null,
      source: req.auth?.source ?? null,
      kid: req.auth?.kid ?? null,
      issuer: req.auth?.issuer ?? null,
      token: req.auth?.token ?? null,
      scheme: req.auth?.scheme ?? null,
      scopes: req.auth === undefined ? null : [...req.auth.scopes],
    });
  });
  if (options.errorHandler !== false) server.use(authErrorHandler());
  return server;
}

describe('Authorization header', () => {
  it('lets a valid bearer token through and sets req.auth', async () => {
    const token = accessToken(pair, clock);
    const res = await supertest(app()).get('/orders').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({
      sub: 'user-1',
      source: 'header',
      kid: pair.kid,
      issuer: ISSUER,
      token,
      scheme: 'Bearer',
      scopes: ['orders:read', 'profile:read'],
    });
  });

  it('takes the scheme in any case', async () => {
    const token = accessToken(pair, clock);
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      await supertest(app()).get('/orders').set('Authorization', `${scheme} ${token}`).expect(200);
    }
  });

  it('answers 401 with a bare challenge when there is no token (also through Express’s own handler)', async () => {
    for (const server of [app(), app({ errorHandler: false })]) {
      const res = await supertest(server).get('/orders').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    }
    const res = await supertest(app()).get('/orders').expect(401);
    expect(res.body).toEqual({
      error: 'unauthorized',
      code: 'missing_token',
      error_description: 'Authentication required',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('ignores other schemes and query-string tokens', async () => {
    const token = accessToken(pair, clock);
    await supertest(app())
      .get('/orders')
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .expect(401, { error: 'unauthorized', code: 'missing_token', error_description: 'Authentication required' });
    const res = await supertest(app()).get(`/orders?access_token=${token}`).expect(401);
    expect(res.body.code).toBe('missing_token');
  });

  it('answers 400 invalid_request for a malformed bearer header', async () => {
    const token = accessToken(pair, clock);
    for (const value of [
      'Bearer',
      'Bearer ',
      `Bearer ${token} ${token}`,
      `Bearer ${token},Bearer ${token}`,
      'Bearer a"b',
    ]) {
      const res = await supertest(app()).get('/orders').set('Authorization', value).expect(400);
      expect(res.body).toEqual({
        error: 'invalid_request',
        code: 'invalid_request',
        error_description: 'The request is malformed',
      });
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_request", error_description="The request is malformed"',
      );
    }
  });

  it('answers 400 to two Authorization headers', async () => {
    const token = accessToken(pair, clock);
    const server = app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: (server.address() as AddressInfo).port,
            path: '/orders',
            headers: { Authorization: [`Bearer ${token}`, `Bearer ${token}`] },
          },
          (res) => {
            let data = '';
            res.on('data', (chunk: Buffer) => (data += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ code: 'invalid_request' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 400 to two Authorization headers whatever the spelling of their names', async () => {
    const token = accessToken(pair, clock);
    const server = app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      for (const [first, second] of [
        ['authorization', 'AUTHORIZATION'],
        ['Authorization', 'aUTHORIZATION'],
        ['AuThOrIzAtIoN', 'authorization'],
      ]) {
        const head = await rawGet(port, [`${first}: Bearer ${token}`, `${second}: Bearer ${token}`]);
        expect(head).toMatch(/^HTTP\/1\.1 400 /);
      }
      // one header, its name in any case: the token is read
      expect(await rawGet(port, [`aUtHoRiZaTiOn: bEaReR ${token}`])).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads no token from a scheme that only starts like Bearer', async () => {
    const token = accessToken(pair, clock);
    for (const value of [`Bearerx ${token}`, `Bearer\t${token}`, `Bearer_${token}`, `Bear ${token}`, 'Bear']) {
      const res = await supertest(app()).get('/orders').set('Authorization', value).expect(401);
      expect(res.body.code).toBe('missing_token');
    }
    // several spaces after the scheme are allowed, as before
    await supertest(app()).get('/orders').set('Authorization', `Bearer   ${token}`).expect(200);
  });

  it('answers 401 invalid_token with a fixed description that never echoes the token', async () => {
    const marker = 'ECHO-MARKER';
    const bad = accessToken(pair, clock, { claims: { iss: marker } });
    for (const server of [app(), app({ errorHandler: false })]) {
      const res = await supertest(server).get('/orders').set('Authorization', `Bearer ${bad}`).expect(401);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", error_description="The access token issuer is not accepted"',
      );
      expect(res.text).not.toContain(marker);
      expect(res.text).not.toContain(bad.slice(0, 20));
    }
  });

  it('answers an expired token with code token_expired and its own description', async () => {
    const token = accessToken(pair, clock);
    clock.advance(400_000);
    const res = await supertest(app()).get('/orders').set('Authorization', `Bearer ${token}`).expect(401);
    expect(res.body).toEqual({
      error: 'invalid_token',
      code: 'token_expired',
      error_description: 'The access token expired',
    });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('uses the realm option', async () => {
    const res = await supertest(app({ auth: { realm: 'orders' } }))
      .get('/orders')
      .expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
  });
});

describe('cookie', () => {
  it.each([true, false])('authenticates GET from the cookie (cookie-parser: %s)', async (cookies) => {
    const token = accessToken(pair, clock);
    const res = await supertest(app({ cookies }))
      .get('/orders')
      .set('Cookie', `theme=dark; ${COOKIE}=${token}`)
      .expect(200);
    expect(res.body).toMatchObject({ sub: 'user-1', source: 'cookie' });
  });

  it.each([true, false])(
    'refuses a cookie-authenticated POST without a same-origin proof (cookie-parser: %s)',
    async (cookies) => {
      const token = accessToken(pair, clock);
      const server = app({ cookies });
      const cookie = `${COOKIE}=${token}`;
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await supertest(server)[method]('/orders').set('Cookie', cookie).expect(403);
        expect(res.body).toEqual({
          error: 'access_denied',
          code: 'origin_not_allowed',
          error_description: 'Cross-origin request refused for cookie authentication',
        });
      }
      await supertest(server)
        .post('/orders')
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example.com')
        .expect(403);
      await supertest(server).post('/orders').set('Cookie', cookie).set('Origin', 'null').expect(403);
      await supertest(server)
        .post('/orders')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'https://evil.example.com')
        .expect(403);
      await supertest(server).post('/orders').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-site').expect(403);
    },
  );

  it('accepts a cookie-authenticated POST that proves its origin', async () => {
    const token = accessToken(pair, clock);
    const server = app({ cookies: true });
    const cookie = `${COOKIE}=${token}`;
    await supertest(server).post('/orders').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin').expect(200);
    await supertest(server).post('/orders').set('Cookie', cookie).set('Origin', 'https://app.example.com').expect(200);
    // The request's own Host never counts: only configured origins do.
    await supertest(server)
      .delete('/orders')
      .set('Cookie', cookie)
      .set('Host', 'orders.example.com')
      .set('Origin', 'http://orders.example.com')
      .expect(403);
  });

  it('does not ask a bearer-authenticated POST for an origin', async () => {
    await supertest(app())
      .post('/orders')
      .set('Authorization', `Bearer ${accessToken(pair, clock)}`)
      .set('Origin', 'https://evil.example.com')
      .expect(200);
  });

  it.each([true, false])(
    'answers 400 when both the header and the cookie carry a token (cookie-parser: %s)',
    async (cookies) => {
      const token = accessToken(pair, clock);
      const res = await supertest(app({ cookies }))
        .get('/orders')
        .set('Authorization', `Bearer ${token}`)
        .set('Cookie', `${COOKIE}=${token}`)
        .expect(400);
      expect(res.body.code).toBe('invalid_request');
    },
  );

  it('answers 400 to a repeated token cookie, and ignores an empty one', async () => {
    const token = accessToken(pair, clock);
    await supertest(app()).get('/orders').set('Cookie', `${COOKIE}=${token}; ${COOKIE}=${token}`).expect(400);
    await supertest(app())
      .get('/orders')
      .set('Cookie', `${COOKIE}=`)
      .expect(401, { error: 'unauthorized', code: 'missing_token', error_description: 'Authentication required' });
  });

  it.each([true, false])(
    'answers 400 to a tossed cookie (a forged one before the valid one) (cookie-parser: %s)',
    async (cookies) => {
      const server = app({ cookies });
      const token = accessToken(pair, clock);
      const forged = accessToken(pair, clock, { claims: { sub: 'attacker' } });
      for (const header of [
        `${COOKIE}=${forged}; ${COOKIE}=${token}`,
        `${COOKIE}=${token};${COOKIE}=${forged}`,
        `theme=dark;  ${COOKIE} =${forged} ; ${COOKIE}="${token}"`,
        `${COOKIE}=; ${COOKIE}=${token}`,
      ]) {
        const res = await supertest(server).get('/orders').set('Cookie', header).expect(400);
        expect(res.body.code).toBe('invalid_request');
        expect(res.headers['www-authenticate']).toBe(
          'Bearer realm="api", error="invalid_request", error_description="The request is malformed"',
        );
      }
    },
  );

  it.each([true, false])(
    'accepts the token cookie beside cookies whose names contain its name (cookie-parser: %s)',
    async (cookies) => {
      const token = accessToken(pair, clock);
      const cookie = `x${COOKIE}=a; ${COOKIE}x=b; other=${COOKIE}; ${COOKIE}=${token}`;
      const res = await supertest(app({ cookies })).get('/orders').set('Cookie', cookie).expect(200);
      expect(res.body).toMatchObject({ sub: 'user-1', source: 'cookie' });
    },
  );

  it('ignores cookies when no cookieName is configured', async () => {
    await supertest(app({ auth: { cookieName: undefined } }))
      .get('/orders')
      .set('Cookie', `${COOKIE}=${accessToken(pair, clock)}`)
      .expect(401);
  });
});

describe('optional authentication', () => {
  it('passes a request without a token on, still refusing a bad one', async () => {
    const server = app({ auth: { authRequired: false } });
    await supertest(server)
      .get('/orders')
      .expect(200, { sub: null, source: null, kid: null, issuer: null, token: null, scheme: null, scopes: null });
    await supertest(server).get('/orders').set('Authorization', 'Bearer a.b.c').expect(401);
  });
});

describe('denylist', () => {
  it('answers 401 for a revoked token and 503 with Retry-After when the store is unavailable', async () => {
    const denylist = createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 });
    const token = accessToken(pair, clock);
    const server = app({ auth: { denylist } });
    await supertest(server).get('/orders').set('Authorization', `Bearer ${token}`).expect(200);
    const jti = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).jti as string;
    await denylist.revoke(jti, clock.nowSeconds() + 300);
    const revoked = await supertest(server).get('/orders').set('Authorization', `Bearer ${token}`).expect(401);
    expect(revoked.body).toEqual({
      error: 'invalid_token',
      code: 'token_revoked',
      error_description: 'The access token was revoked',
    });
    await denylist.close();

    const down = {
      check: () =>
        Promise.reject(new DenylistError('ERR_DENYLIST_UNAVAILABLE', 'redis down', { retryAfterSeconds: 3 })),
    };
    for (const errorHandler of [true, false]) {
      const res = await supertest(app({ errorHandler, auth: { denylist: down } }))
        .get('/orders')
        .set('Authorization', `Bearer ${token}`)
        .expect(503);
      expect(res.headers['retry-after']).toBe('3');
    }
    const res = await supertest(app({ auth: { denylist: down } }))
      .get('/orders')
      .set('Authorization', `Bearer ${token}`);
    expect(res.body).toEqual({
      error: 'temporarily_unavailable',
      code: 'denylist_unavailable',
      error_description: 'Token revocation status is temporarily unavailable',
    });
  });
});

describe('options', () => {
  it.each([
    [{ cookieName: 'a b' }, /`cookieName`/],
    [{ allowedOrigins: ['https://app.example.com/'] }, /`allowedOrigins` must hold origins/],
    [{ allowedOrigins: ['*'] }, /`allowedOrigins` must hold origins/],
    [{ allowedOrigins: 'https://app.example.com' }, /`allowedOrigins`/],
    [{ authRequired: 'no' }, /`authRequired`/],
    [{ audience: undefined }, /`audience`/],
  ])('refuses %j with a TypeError naming the option', (override, message) => {
    expect(() => app({ auth: override as Partial<RequireAuthOptions> })).toThrow(message);
  });
});

describe('the shared origin and cookie vectors', () => {
  const send = (server: Express, method: string, headers: Record<string, string>) => {
    let req = supertest(server)[method.toLowerCase() as 'post']('/orders');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req;
  };

  it.each(ORIGIN_VECTORS.map((vector) => [vector.name, vector] as const))('origin: %s', async (_name, vector) => {
    const headers = { ...vector.headers, cookie: `${COOKIE}=${accessToken(pair, clock)}` };
    const res = await send(app(), vector.method, headers);
    expect(res.status).toBe(vector.expected === 'allowed' ? 200 : 403);
    if (vector.expected === 'refused') expect(res.body.code).toBe('origin_not_allowed');
  });

  it.each(COOKIE_VECTORS.flatMap((vector) => [true, false].map((parser) => [vector.name, parser, vector] as const)))(
    'cookie: %s (cookie-parser: %s)',
    async (_name, cookies, vector) => {
      const header = cookieHeader(vector, COOKIE, accessToken(pair, clock));
      const res = await supertest(app({ cookies })).get('/orders').set('Cookie', header);
      expect(res.status).toBe({ read: 200, absent: 401, repeated: 400 }[vector.expected]);
      if (vector.expected === 'read') expect(res.body.source).toBe('cookie');
    },
  );
});
