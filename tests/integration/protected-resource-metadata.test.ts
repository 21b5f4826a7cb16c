import express from 'express';
import request from 'supertest';
import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { authErrorHandler, protectedResourceMetadataUrl, requireAuth, requireScopes } from '@jwks-kit/verifier';

const RESOURCE = 'http://127.0.0.1:4200/orders';
const AUDIENCE = 'https://api.example.test';

describe('requireAuth({ resourceMetadataUrl })', () => {
  let issuer: MockIssuer;
  let app: express.Express;
  const metadata = protectedResourceMetadataUrl(RESOURCE);
  beforeAll(async () => {
    issuer = await createMockIssuer();
    app = express();
    const authenticate = requireAuth({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      jwksUri: issuer.jwksUri,
      realm: 'orders',
      resourceMetadataUrl: metadata,
    });
    app.get('/orders', authenticate, requireScopes('orders:read'), (_req, res) => res.json({ ok: true }));
    app.use(authErrorHandler());
  });
  afterAll(() => issuer.close());

  it('points a request without a token to the metadata (realm kept)', async () => {
    const res = await request(app).get('/orders');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="orders", resource_metadata="${metadata}"`);
  });

  it('adds it to invalid_token and token_expired challenges too', async () => {
    for (const token of [issuer.reject.tampered(), issuer.reject.expired()]) {
      const res = await request(app).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(
        new RegExp(`^Bearer realm="orders", error="invalid_token", .*, resource_metadata="${metadata}"$`),
      );
    }
  });

  it('still lets a valid token through', async () => {
    const res = await request(app)
      .get('/orders')
      .set('Authorization', `Bearer ${issuer.sign({ scope: 'orders:read' })}`);
    expect(res.status).toBe(200);
  });
});
