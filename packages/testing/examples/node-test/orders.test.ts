// node:test — run with: node --import tsx --test examples/node-test/orders.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { createOrdersApp } from '../create-orders-app.js';

let issuer: MockIssuer;
let app: ReturnType<typeof createOrdersApp>;
before(async () => {
  issuer = await createMockIssuer();
  app = createOrdersApp({ issuer: issuer.issuer, jwksUri: issuer.jwksUri });
});
after(() => issuer.close());

test('200 with orders:read', async () => {
  const res = await request(app)
    .get('/orders')
    .set('Authorization', `Bearer ${issuer.sign({ sub: 'alice', scope: 'orders:read' })}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.user, 'alice');
});

test('403 without the scope, 401 for an expired token', async () => {
  const noScope = await request(app)
    .get('/orders')
    .set('Authorization', `Bearer ${issuer.sign({ scope: 'profile:read' })}`);
  assert.equal(noScope.status, 403);
  const expired = await request(app).get('/orders').set('Authorization', `Bearer ${issuer.reject.expired()}`);
  assert.equal(expired.status, 401);
  assert.equal(expired.body.code, 'token_expired');
});
