// jest — the README's jest example, run by the kit's own jest suite.
import request from 'supertest';
import { createMockIssuer, createTestClock, type MockIssuer } from '@jwks-kit/testing';
import { createOrdersApp } from '../../examples/create-orders-app.js';

describe('orders (jest)', () => {
  const clock = createTestClock(Date.now());
  let issuer: MockIssuer;
  let app: ReturnType<typeof createOrdersApp>;
  beforeAll(async () => {
    issuer = await createMockIssuer({ now: clock.now });
    app = createOrdersApp({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, now: clock.now });
  });
  afterAll(() => issuer.close());

  it('accepts a fresh token and refuses it once the shared clock passes its exp', async () => {
    const token = issuer.sign({ scope: 'orders:read' });
    expect((await request(app).get('/orders').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    clock.advance(10 * 60_000);
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_expired');
  });

  it('refuses a token signed with a key the JWKS never published', async () => {
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${issuer.reject.unknownKid()}`);
    expect(res.status).toBe(401);
  });
});
