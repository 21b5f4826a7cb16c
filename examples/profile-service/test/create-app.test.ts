import request from 'supertest';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { BUILT_IN_NAMES, createClock } from '@jwks-kit/test-kit';
import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { createRemoteKeySet, type RemoteKeySet } from '@jwks-kit/verifier';
import { AUDIENCES } from '../../shared/src/audiences.js';
import { createDpopClient } from '../../demo/dpop-client.js';
import { createApp } from '../src/create-app.js';

describe('profile service', () => {
  const clock = createClock(Date.now());
  let issuer: MockIssuer;
  let keySet: RemoteKeySet;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    issuer = await createMockIssuer({ now: clock.now, audience: Object.values(AUDIENCES) });
    keySet = createRemoteKeySet({ jwksUri: issuer.jwksUri });
    const denylist = createMemoryDenylist({ issuer: issuer.issuer, now: clock.now, sweepIntervalMs: 0 });
    app = createApp({
      issuerUrl: issuer.issuer,
      keySet,
      denylist,
      allowedOrigins: ['http://127.0.0.1:4000'],
      now: clock.now,
      log: () => {},
    });
  });
  afterAll(async () => {
    keySet.close();
    await issuer.close();
  });

  it('answers GET /me from the verified claims with profile:read', async () => {
    const token = issuer.sign({ sub: 'bob', scope: 'profile:read' });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'bob', name: 'Bob Builder', scope: 'profile:read' });
  });

  it.each(BUILT_IN_NAMES)(
    'answers a sub of %s with that name, not with a built-in of Object.prototype',
    async (sub) => {
      const token = issuer.sign({ sub, scope: 'profile:read' });
      const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ sub, name: sub });
    },
  );

  it('answers 401 claims_too_deep (not 500) for a validly signed token nested 2,200 levels deep', async () => {
    const deep = JSON.parse('['.repeat(2_200) + ']'.repeat(2_200));
    const token = issuer.sign({ sub: 'bob', scope: 'profile:read', deep });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', code: 'claims_too_deep' });
  });

  it('refuses a token without profile:read, a missing token and a token of another issuer', async () => {
    const admin = issuer.sign({ sub: 'admin', scope: 'admin' });
    expect((await request(app).get('/me').set('Authorization', `Bearer ${admin}`)).status).toBe(403);
    expect((await request(app).get('/me')).status).toBe(401);
    const other = await createMockIssuer({ now: clock.now, audience: Object.values(AUDIENCES) });
    try {
      const foreign = other.sign({ sub: 'bob', scope: 'profile:read' });
      const res = await request(app).get('/me').set('Authorization', `Bearer ${foreign}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
    } finally {
      await other.close();
    }
  });

  it('with its public URL: serves a DPoP-bound token with a proof, refuses it as Bearer, advertises the proof algorithms', async () => {
    const dpopApp = createApp({
      issuerUrl: issuer.issuer,
      keySet,
      denylist: createMemoryDenylist({ issuer: issuer.issuer, now: clock.now, sweepIntervalMs: 0 }),
      allowedOrigins: ['http://127.0.0.1:4000'],
      resourceUrl: 'https://profile.example',
      now: clock.now,
      log: () => {},
    });
    const client = createDpopClient({ now: clock.now });
    const token = issuer.sign({ sub: 'bob', scope: 'profile:read', cnf: { jkt: client.jkt } });
    const proof = client.proof({ method: 'GET', url: 'https://profile.example/me', accessToken: token });
    const served = await request(dpopApp).get('/me').set('Authorization', `DPoP ${token}`).set('DPoP', proof);
    expect(served.status).toBe(200);
    expect(served.body.sub).toBe('bob');
    const asBearer = await request(dpopApp).get('/me').set('Authorization', `Bearer ${token}`);
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error).toBe('invalid_token');
    const metadata = await request(dpopApp).get('/.well-known/oauth-protected-resource');
    expect(metadata.body.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA']);
  });
});
