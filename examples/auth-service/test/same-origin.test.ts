import express from 'express';
import request from 'supertest';
import { ORIGIN_VECTORS, VECTOR_ALLOWED_ORIGIN } from '@jwks-kit/test-kit';
import { requireSameOrigin } from '../src/same-origin.js';

function app() {
  const server = express();
  server.all('/refresh', requireSameOrigin([VECTOR_ALLOWED_ORIGIN]), (_req, res) => {
    res.json({ passed: true });
  });
  server.use(
    (
      error: { status?: number; body?: unknown },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ refused: true });
    },
  );
  return server;
}

describe('requireSameOrigin: the shared origin vectors', () => {
  it.each(ORIGIN_VECTORS.map((vector) => [vector.name, vector] as const))(
    'with a cookie: %s',
    async (_name, vector) => {
      let req = request(app())[vector.method.toLowerCase() as 'post']('/refresh').set('Cookie', 'refresh=abc');
      for (const [name, value] of Object.entries(vector.headers)) req = req.set(name, value);
      expect((await req).status).toBe(vector.expected === 'allowed' ? 200 : 403);
    },
  );

  it('lets a script without cookies, Origin or Sec-Fetch-Site log in (no ambient credential to abuse)', async () => {
    await request(app()).post('/refresh').expect(200);
  });

  it('refuses a cookie-carrying POST with neither Origin nor Sec-Fetch-Site', async () => {
    await request(app()).post('/refresh').set('Cookie', 'refresh=abc').expect(403);
  });
});
