import express from 'express';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { authErrorHandler, createLocalKeySet, requireAuth, type RequireAuthOptions } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import {
  declareExpressShape,
  EXPRESS_REQUEST_MEMBERS,
  EXPRESS_RESPONSE_MEMBERS,
} from '../src/lib/reserve-request-shape.js';

let pair: TestKeyPair;
const clock = createClock();
beforeAll(async () => {
  pair = await createTestKeyPair();
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const authOptions = (extra: Partial<RequireAuthOptions> = {}): RequireAuthOptions => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
  now: clock.now,
  ...extra,
});

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { server, http: supertest(server) };
}

/** What a request held when the first middleware of the app saw it: own members Express had not set yet. */
const ownAtStart = (req: object) => ({ auth: Object.hasOwn(req, 'auth'), route: Object.hasOwn(req, 'route') });

/**
 * A real Express server: `/r` and `/r2` behind two requireAuth instances, `/probe` behind none, a router mounted at
 * `/api` with a parameter, query and locals; its first middleware records which members a request already had.
 */
async function serve(extra: Partial<RequireAuthOptions> = {}, app = express()) {
  const options = authOptions(extra);
  let atStart = { auth: false, route: false };
  app.use((req, _res, next) => {
    atStart = ownAtStart(req);
    next();
  });
  const seen = (req: express.Request, res: express.Response) => {
    res.json({ own: Object.hasOwn(req, 'auth'), sub: req.auth?.claims.sub ?? null, atStart });
  };
  app.get('/r', requireAuth(options), seen);
  app.get('/r2', requireAuth(options), seen);
  app.get('/optional', requireAuth({ ...options, authRequired: false }), seen);
  app.get('/probe', seen);
  const api = express.Router();
  api.get(
    '/items/:id',
    requireAuth(options),
    (_req, res, next) => {
      res.locals.seenBy = 'locals';
      next();
    },
    (req, res) => {
      res.json({
        id: req.params.id,
        q: req.query.q ?? null,
        baseUrl: req.baseUrl,
        originalUrl: req.originalUrl,
        url: req.url,
        route: req.route?.path ?? null,
        locals: res.locals.seenBy ?? null,
        sub: req.auth?.claims.sub ?? null,
      });
    },
  );
  app.use('/api', api);
  app.use(authErrorHandler());
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return { server, http: supertest(server) };
}

describe('reserveRequestShape: members declared on the request before Express runs', () => {
  it('after the first requireAuth request, every request of the server carries auth and Express’s members, by one listener', async () => {
    const { server, http } = await serve();
    const token = accessToken(pair, clock);
    expect((await http.get('/probe')).body).toEqual({ own: false, sub: null, atStart: { auth: false, route: false } });
    const listeners = server.listenerCount('request');
    expect((await http.get('/r').set('Authorization', `Bearer ${token}`)).body).toMatchObject({
      own: true,
      sub: 'user-1',
    });
    // routes without requireAuth too: `auth` is there, empty, and `route` exists before Express's router sets it
    expect((await http.get('/probe')).body).toEqual({ own: true, sub: null, atStart: { auth: true, route: true } });
    for (const path of ['/r', '/r2', '/r', '/r2'])
      expect((await http.get(path).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(server.listenerCount('request')).toBe(listeners + 1);
  });

  it('changes nothing Express gives a route: params, query, baseUrl, originalUrl, url, route, locals, 404s', async () => {
    const { http } = await serve();
    const token = accessToken(pair, clock);
    const bearer = `Bearer ${token}`;
    await http.get('/r').set('Authorization', bearer);
    for (let round = 0; round < 3; round += 1) {
      const answer = await http.get(`/api/items/${round}?q=x${round}`).set('Authorization', bearer);
      expect(answer.body).toEqual({
        id: String(round),
        q: `x${round}`,
        baseUrl: '/api',
        originalUrl: `/api/items/${round}?q=x${round}`,
        url: `/items/${round}?q=x${round}`,
        route: '/items/:id',
        locals: 'locals',
        sub: 'user-1',
      });
    }
    expect((await http.get('/nowhere')).status).toBe(404);
    expect((await http.get('/api/nowhere')).status).toBe(404);
    expect((await http.get('/api/items/1')).status).toBe(401);
  });

  it('changes nothing a route sees: no token on an optional route, a refused token, a verified one', async () => {
    const { http } = await serve();
    const token = accessToken(pair, clock);
    await http.get('/r').set('Authorization', `Bearer ${token}`);
    expect((await http.get('/optional')).body).toMatchObject({ own: true, sub: null });
    const refused = await http.get('/r').set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_token');
    expect((await http.get('/r')).status).toBe(401);
    expect((await http.get('/optional').set('Authorization', `Bearer ${token}`)).body).toMatchObject({
      own: true,
      sub: 'user-1',
    });
  });

  it('a sub-app that mounts requireAuth reserves the shape of the server it runs on', async () => {
    const token = accessToken(pair, clock);
    const sub = express();
    sub.get('/who', requireAuth(authOptions()), (req, res) => {
      res.json({ sub: req.auth?.claims.sub, baseUrl: req.baseUrl, originalUrl: req.originalUrl });
    });
    const app = express();
    let atStart = { auth: false, route: false };
    app.use((req, _res, next) => {
      atStart = ownAtStart(req);
      next();
    });
    app.use('/sub', sub);
    app.use(authErrorHandler());
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    servers.push(server);
    const http = supertest(server);
    for (let round = 0; round < 2; round += 1)
      expect((await http.get('/sub/who').set('Authorization', `Bearer ${token}`)).body).toEqual({
        sub: 'user-1',
        baseUrl: '/sub',
        originalUrl: '/sub/who',
      });
    expect(atStart).toEqual({ auth: true, route: true });
  });

  it('an app whose request prototype defines one of Express’s members (an accessor) gets `auth` only, never a hidden accessor', async () => {
    const app = express();
    const store = new WeakMap<object, unknown>();
    let reads = 0;
    Object.defineProperty(app.request, 'originalUrl', {
      configurable: true,
      get(this: object) {
        reads += 1;
        return store.get(this);
      },
      set(this: object, value: unknown) {
        store.set(this, value);
      },
    });
    const { http } = await serve({}, app);
    const token = accessToken(pair, clock);
    await http.get('/r').set('Authorization', `Bearer ${token}`);
    const before = reads;
    const answer = await http.get('/api/items/9').set('Authorization', `Bearer ${token}`);
    expect(answer.body).toMatchObject({ id: '9', originalUrl: '/api/items/9', sub: 'user-1' });
    expect(reads).toBeGreaterThan(before);
    expect((await http.get('/probe')).body.atStart).toEqual({ auth: true, route: false });
  });

  it('a server that is not Express gets `auth` only: its requests and responses carry no Express member', async () => {
    const auth = requireAuth(authOptions());
    const token = accessToken(pair, clock);
    const { server, http } = await listen((req, res) => {
      const members = { res: Object.hasOwn(req, 'res'), locals: Object.hasOwn(res, 'locals') };
      const ownAuth = Object.hasOwn(req, 'auth');
      auth(req as never, res as never, (error?: unknown) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: error === undefined ? null : String(error), ownAuth, members }));
      });
    });
    const listeners = server.listenerCount('request');
    expect((await http.get('/').set('Authorization', `Bearer ${token}`)).body).toEqual({
      error: null,
      ownAuth: false,
      members: { res: false, locals: false },
    });
    expect(server.listenerCount('request')).toBe(listeners + 1);
    expect((await http.get('/').set('Authorization', `Bearer ${token}`)).body).toEqual({
      error: null,
      ownAuth: true,
      members: { res: false, locals: false },
    });
  });

  it('false leaves the server alone: auth is added only when a token verifies', async () => {
    const { server, http } = await serve({ reserveRequestShape: false });
    const listeners = server.listenerCount('request');
    const token = accessToken(pair, clock);
    expect((await http.get('/r').set('Authorization', `Bearer ${token}`)).body).toMatchObject({
      own: true,
      sub: 'user-1',
    });
    expect((await http.get('/probe')).body).toEqual({ own: false, sub: null, atStart: { auth: false, route: false } });
    expect((await http.get('/optional')).body).toMatchObject({ own: false, sub: null });
    expect(server.listenerCount('request')).toBe(listeners);
  });

  it('a request without a server behind its socket is verified all the same', async () => {
    const auth = requireAuth(authOptions());
    const token = accessToken(pair, clock);
    const req = { headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`] };
    const error = await new Promise<unknown>((resolve) => auth(req as never, {} as never, resolve));
    expect(error).toBeUndefined();
    expect((req as { auth?: { claims: { sub: string } } }).auth?.claims.sub).toBe('user-1');
  });

  it('the listener declares exactly the listed members, all undefined (its stores are written out one by one)', () => {
    const req = {};
    const res = {};
    declareExpressShape(req as IncomingMessage, res as ServerResponse);
    expect(Object.keys(req).sort()).toEqual(['auth', ...EXPRESS_REQUEST_MEMBERS].sort());
    expect(Object.keys(res).sort()).toEqual([...EXPRESS_RESPONSE_MEMBERS].sort());
    expect([...Object.values(req), ...Object.values(res)].every((value) => value === undefined)).toBe(true);
  });

  it.each([['yes'], [1], [null]])('refuses %p as reserveRequestShape (TypeError naming the option)', (value) => {
    expect(() => requireAuth(authOptions({ reserveRequestShape: value as never }))).toThrow(
      /option `reserveRequestShape` must be a boolean/,
    );
  });
});
