import express from 'express';
import supertest from 'supertest';
import { authErrorHandler, VerifierError } from '../src/index.js';

describe('authErrorHandler', () => {
  it('renders a VerifierError as JSON with its status and headers', async () => {
    const app = express();
    app.get('/', (_req, _res, next) =>
      next(new VerifierError('insufficient_scope', { scope: 'a b', realm: 'orders' })),
    );
    app.use(authErrorHandler());
    const res = await supertest(app)
      .get('/')
      .expect(403)
      .expect('Content-Type', /application\/json/);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      code: 'insufficient_scope',
      error_description: 'The access token lacks a required scope',
    });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="a b"',
    );
  });

  it('passes other errors on', async () => {
    const app = express();
    app.get('/', (_req, _res, next) => next(Object.assign(new Error('teapot'), { status: 418 })));
    app.use(authErrorHandler());
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(418).json({ passed: err.message });
    });
    await supertest(app).get('/').expect(418, { passed: 'teapot' });
  });

  it('sets Retry-After for 503 refusals', () => {
    expect(new VerifierError('keys_unavailable').headers).toEqual({ 'Retry-After': '5' });
    expect(new VerifierError('denylist_unavailable', { retryAfterSeconds: 30 }).headers).toEqual({
      'Retry-After': '30',
    });
    expect(new VerifierError('denylist_unavailable', { retryAfterSeconds: -1 }).headers).toEqual({
      'Retry-After': '5',
    });
  });
});
