import express from 'express';
import type { Server } from 'node:http';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { authErrorHandler, createLocalKeySet, requireAuth, type RequireAuthOptions } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';

let pair: TestKeyPair;
const clock = createClock();
beforeAll(async () => {
  pair = await createTestKeyPair();
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real server: `/r` and `/r2` behind two requireAuth instances, `/probe` behind none, answering what `req` holds. */
async function serve(extra: Partial<RequireAuthOptions> = {}) {
  const options: RequireAuthOptions = {
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    now: clock.now,
    ...extra,
  };
  const app = express();
  const seen = (req: express.Request, res: express.Response) => {
    res.json({ own: Object.hasOwn(req, 'auth'), sub: req.auth?.claims.sub ?? null });
  };
  app.get('/r', requireAuth(options), seen);
  app.get('/r2', requireAuth(options), seen);
  app.get('/optional', requireAuth({ ...options, authRequired: false }), seen);
  app.get('/probe', seen);
  app.use(authErrorHandler());
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return { server, http: supertest(server) };
}

describe('reserveReqAuth: `auth` declared on the request before Express runs', () => {
  it('after the first requireAuth request, every request of the server carries an own auth, by one listener', async () => {
    const { server, http } = await serve();
    const token = accessToken(pair, clock);
    expect((await http.get('/probe')).body).toEqual({ own: false, sub: null });
    const listeners = server.listenerCount('request');
    expect((await http.get('/r').set('Authorization', `Bearer ${token}`)).body).toEqual({ own: true, sub: 'user-1' });
    // routes without requireAuth too: the property is there, empty
    expect((await http.get('/probe')).body).toEqual({ own: true, sub: null });
    for (const path of ['/r', '/r2', '/r', '/r2'])
      expect((await http.get(path).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(server.listenerCount('request')).toBe(listeners + 1);
  });

  it('changes nothing a route sees: no token on an optional route, a refused token, a verified one', async () => {
    const { http } = await serve();
    const token = accessToken(pair, clock);
    await http.get('/r').set('Authorization', `Bearer ${token}`);
    expect((await http.get('/optional')).body).toEqual({ own: true, sub: null });
    const refused = await http.get('/r').set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_token');
    expect((await http.get('/r')).status).toBe(401);
    expect((await http.get('/optional').set('Authorization', `Bearer ${token}`)).body).toEqual({
      own: true,
      sub: 'user-1',
    });
  });

  it('false leaves the server alone: auth is added only when a token verifies', async () => {
    const { server, http } = await serve({ reserveReqAuth: false });
    const listeners = server.listenerCount('request');
    const token = accessToken(pair, clock);
    expect((await http.get('/r').set('Authorization', `Bearer ${token}`)).body).toEqual({ own: true, sub: 'user-1' });
    expect((await http.get('/probe')).body).toEqual({ own: false, sub: null });
    expect((await http.get('/optional')).body).toEqual({ own: false, sub: null });
    expect(server.listenerCount('request')).toBe(listeners);
  });

  it('a request without a server behind its socket is verified all the same', async () => {
    const auth = requireAuth({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
      now: clock.now,
    });
    const token = accessToken(pair, clock);
    const req = { headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`] };
    const error = await new Promise<unknown>((resolve) => auth(req as never, {} as never, resolve));
    expect(error).toBeUndefined();
    expect((req as { auth?: { claims: { sub: string } } }).auth?.claims.sub).toBe('user-1');
  });

  it.each([['yes'], [1], [null]])('refuses %p as reserveReqAuth (TypeError naming the option)', (value) => {
    expect(() =>
      requireAuth({
        issuer: ISSUER,
        audience: AUDIENCE,
        keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
        reserveReqAuth: value as never,
      }),
    ).toThrow(/option `reserveReqAuth` must be a boolean/);
  });
});
