// vitest — run with: vitest run --root examples/vitest
import { afterAll, beforeAll, expect, test } from 'vitest';
import request from 'supertest';
import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { createOrdersApp } from '../create-orders-app.js';

let issuer: MockIssuer;
let app: ReturnType<typeof createOrdersApp>;
beforeAll(async () => {
  issuer = await createMockIssuer();
  app = createOrdersApp({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, jwks: { cooldownMs: 0 } });
});
afterAll(() => issuer.close());

test('200 with orders:read', async () => {
  const res = await request(app)
    .get('/orders')
    .set('Authorization', `Bearer ${issuer.sign({ sub: 'alice', scope: 'orders:read' })}`);
  expect(res.status).toBe(200);
  expect(res.body.user).toBe('alice');
});

test('follows a key rotation: a token from the new key passes, a wrong audience does not', async () => {
  await issuer.rotate();
  const rotated = await request(app)
    .get('/orders')
    .set('Authorization', `Bearer ${issuer.sign({ scope: 'orders:read' })}`);
  expect(rotated.status).toBe(200);
  const res = await request(app)
    .get('/orders')
    .set('Authorization', `Bearer ${issuer.reject.wrongAudience({ scope: 'orders:read' })}`);
  expect(res.status).toBe(401);
});
