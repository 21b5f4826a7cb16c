import request from 'supertest';
import { createMemoryDenylist, type MemoryDenylist } from '@jwks-kit/denylist';
import { BUILT_IN_NAMES, createClock, type TestClock } from '@jwks-kit/test-kit';
import { ACCESS_COOKIE, AUDIENCES } from '../../shared/src/audiences.js';
import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { createRemoteKeySet, type RemoteKeySet } from '@jwks-kit/verifier';
import { createMemoryDpopReplayStore } from '@jwks-kit/core';
import { createDpopClient } from '../../demo/dpop-client.js';
import { createApp } from '../src/create-app.js';

const PAGE = 'http://127.0.0.1:4000';

describe('orders service', () => {
  let clock: TestClock;
  let issuer: MockIssuer;
  let keySet: RemoteKeySet;
  let denylist: MemoryDenylist;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    clock = createClock(Date.now());
    issuer = await createMockIssuer({ now: clock.now, audience: Object.values(AUDIENCES) });
    keySet = createRemoteKeySet({ jwksUri: issuer.jwksUri });
  });
  afterAll(async () => {
    keySet.close();
    await issuer.close();
  });
  beforeEach(() => {
    denylist = createMemoryDenylist({ issuer: issuer.issuer, now: clock.now, sweepIntervalMs: 0 });
    app = createApp({
      issuerUrl: issuer.issuer,
      keySet,
      denylist,
      allowedOrigins: [PAGE],
      now: clock.now,
      log: () => {},
    });
  });

  it('lists the caller’s orders with orders:read', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read profile:read' });
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe('alice');
    expect(res.body.orders.map((o: { item: string }) => o.item)).toEqual(['espresso beans', 'grinder']);
  });

  it.each(BUILT_IN_NAMES)(
    'keeps the orders of a sub named %s apart (empty at first, then only its own)',
    async (sub) => {
      const token = issuer.sign({ sub, scope: 'orders:read orders:write' });
      const empty = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ sub, orders: [] });
      const created = await request(app)
        .post('/orders')
        .set('Authorization', `Bearer ${token}`)
        .send({ item: 'tea', quantity: 1 });
      expect(created.status).toBe(201);
      const listed = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(listed.body.orders.map((o: { item: string }) => o.item)).toEqual(['tea']);
    },
  );

  it('answers 401 claims_too_deep (not 500) for a validly signed token nested 2,200 levels deep', async () => {
    const deep = JSON.parse('['.repeat(2_200) + ']'.repeat(2_200));
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read', deep });
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', code: 'claims_too_deep' });
  });

  it('refuses a validly signed token that lacks client_id (RFC 9068 required claims)', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read', client_id: undefined });
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('asks for a token when there is none (401 with a Bearer challenge)', async () => {
    const res = await request(app).get('/orders');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('refuses a token without orders:read with 403 insufficient_scope', async () => {
    const token = issuer.sign({ sub: 'bob', scope: 'profile:read' });
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('creates an order with orders:write, validates the body with a fixed message, and refuses orders:read alone', async () => {
    const writer = issuer.sign({ sub: 'carol', scope: 'orders:read orders:write' });
    const created = await request(app)
      .post('/orders')
      .set('Authorization', `Bearer ${writer}`)
      .send({ item: 'milk', quantity: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ item: 'milk', quantity: 2 });
    const listed = await request(app).get('/orders').set('Authorization', `Bearer ${writer}`);
    expect(listed.body.orders).toHaveLength(1);
    const bad = await request(app)
      .post('/orders')
      .set('Authorization', `Bearer ${writer}`)
      .send({ item: '<img src=x>', quantity: 1000 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('img');
    const reader = issuer.sign({ sub: 'alice', scope: 'orders:read' });
    const refused = await request(app)
      .post('/orders')
      .set('Authorization', `Bearer ${reader}`)
      .send({ item: 'milk', quantity: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
  });

  it('answers token_expired once the token is past exp and leeway', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read', exp: clock.nowSeconds() + 60 });
    clock.advance(66_000);
    try {
      const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_expired');
    } finally {
      clock.set(Date.now());
    }
  });

  it('refuses a revoked token (denylist consulted on every request)', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read' });
    expect((await request(app).get('/orders').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await denylist.revokeSubject('alice', Math.floor(clock.now() / 1000) + 1);
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_revoked');
  });

  it('refuses a token for another audience', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read', aud: AUDIENCES.profile });
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = issuer.sign({ sub: 'bob', scope: 'profile:read' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, scope: 'orders:read' })).toString('base64url')}.${s}`;
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('accepts the access cookie, and refuses a cookie-authenticated POST from a foreign origin', async () => {
    const token = issuer.sign({ sub: 'carol', scope: 'orders:read orders:write' });
    const read = await request(app).get('/orders').set('Cookie', `${ACCESS_COOKIE}=${token}`).set('Origin', PAGE);
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(PAGE);
    expect(read.headers['access-control-allow-credentials']).toBe('true');
    const csrf = await request(app)
      .post('/orders')
      .set('Cookie', `${ACCESS_COOKIE}=${token}`)
      .set('Origin', 'http://evil.example')
      .send({ item: 'milk', quantity: 1 });
    expect(csrf.status).toBe(403);
    expect(csrf.headers['access-control-allow-origin']).toBeUndefined();
    const same = await request(app)
      .post('/orders')
      .set('Cookie', `${ACCESS_COOKIE}=${token}`)
      .set('Origin', PAGE)
      .send({ item: 'milk', quantity: 1 });
    expect(same.status).toBe(201);
  });

  it('refuses a request carrying both a cookie and a Bearer header with 400', async () => {
    const token = issuer.sign({ sub: 'alice', scope: 'orders:read' });
    const res = await request(app)
      .get('/orders')
      .set('Cookie', `${ACCESS_COOKIE}=${token}`)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
  });

  it('answers health checks without a token, and CORS preflights for the page', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect((await request(app).get('/readyz')).body).toMatchObject({
      status: 'ready',
      checks: { jwks: { state: 'ok' } },
    });
    const pre = await request(app).options('/orders').set('Origin', PAGE).set('Access-Control-Request-Method', 'POST');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('publishes RFC 9728 metadata when it knows its public URL, and its 401 challenges point there', async () => {
    const withMetadata = createApp({
      issuerUrl: issuer.issuer,
      keySet,
      denylist,
      allowedOrigins: [PAGE],
      resourceUrl: 'http://127.0.0.1:4001',
      now: clock.now,
      log: () => {},
    });
    const metadata = await request(withMetadata).get('/.well-known/oauth-protected-resource');
    expect(metadata.status).toBe(200);
    expect(metadata.body).toEqual({
      resource: 'http://127.0.0.1:4001',
      authorization_servers: [issuer.issuer],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
    });
    const refused = await request(withMetadata).get('/orders');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain(
      'resource_metadata="http://127.0.0.1:4001/.well-known/oauth-protected-resource"',
    );
    expect((await request(app).get('/.well-known/oauth-protected-resource')).status).toBe(404);
  });

  describe('DPoP (RFC 9449) when the service knows its public URL', () => {
    const PUBLIC = 'https://orders.example';
    const dpopApp = (dpopReplayStore = createMemoryDpopReplayStore()) =>
      createApp({
        issuerUrl: issuer.issuer,
        keySet,
        denylist,
        allowedOrigins: [PAGE],
        resourceUrl: PUBLIC,
        dpopReplayStore,
        now: clock.now,
        log: () => {},
      });

    it('serves a token bound to the client key with a proof for its public URL, once; Bearer and other URLs refused', async () => {
      const client = createDpopClient({ now: clock.now });
      const token = issuer.sign({ sub: 'alice', scope: 'orders:read', cnf: { jkt: client.jkt } });
      const app = dpopApp();
      const get = (proof: string, scheme = 'DPoP') =>
        request(app).get('/orders').set('Authorization', `${scheme} ${token}`).set('DPoP', proof);
      const proof = client.proof({ method: 'GET', url: `${PUBLIC}/orders`, accessToken: token });
      const served = await get(proof);
      expect(served.status).toBe(200);
      expect(served.body.sub).toBe('alice');
      const replayed = await get(proof);
      expect(replayed.status).toBe(401);
      expect(replayed.body.error).toBe('invalid_dpop_proof');
      expect(replayed.headers['www-authenticate']).toMatch(/^DPoP .*algs="ES256 EdDSA"/);
      // a proof naming the address the request reached instead of the configured public origin
      const forHost = await get(client.proof({ method: 'GET', url: 'http://127.0.0.1/orders', accessToken: token }));
      expect(forHost.body.error).toBe('invalid_dpop_proof');
      const asBearer = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(asBearer.status).toBe(401);
      expect(asBearer.body.error).toBe('invalid_token');
    });

    it('two apps over one replay store (replicas) accept a proof on the first and refuse it on the second', async () => {
      const store = createMemoryDpopReplayStore();
      const [first, second] = [dpopApp(store), dpopApp(store)];
      const client = createDpopClient({ alg: 'EdDSA', now: clock.now });
      const token = issuer.sign({ sub: 'alice', scope: 'orders:read', cnf: { jkt: client.jkt } });
      const proof = client.proof({ method: 'GET', url: `${PUBLIC}/orders`, accessToken: token });
      const send = (app: typeof first) =>
        request(app).get('/orders').set('Authorization', `DPoP ${token}`).set('DPoP', proof);
      expect((await send(first)).status).toBe(200);
      const replayed = await send(second);
      expect(replayed.status).toBe(401);
      expect(replayed.body.error).toBe('invalid_dpop_proof');
      // without a shared store each app would have its own: the same proof passes an app with another store
      expect((await send(dpopApp())).status).toBe(200);
    });
  });
});
