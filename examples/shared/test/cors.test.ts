import express from 'express';
import request from 'supertest';
import { cors } from '../src/cors.js';

function app() {
  const a = express();
  a.use(cors({ allowedOrigins: ['http://127.0.0.1:4000'] }));
  a.get('/x', (_req, res) => {
    res.json({ ok: true });
  });
  return a;
}

describe('cors', () => {
  it('echoes an allow-listed origin with credentials and Vary: Origin', async () => {
    const res = await request(app()).get('/x').set('Origin', 'http://127.0.0.1:4000');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:4000');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('sends no CORS headers to other origins, including look-alikes and "null"', async () => {
    for (const origin of [
      'http://evil.example',
      'http://127.0.0.1:4000.evil.example',
      'http://127.0.0.1:40000',
      'null',
    ]) {
      const res = await request(app()).get('/x').set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toMatch(/Origin/);
    }
  });

  it('answers a preflight with 204 and the allowed methods and headers, only for allowed origins', async () => {
    const ok = await request(app())
      .options('/x')
      .set('Origin', 'http://127.0.0.1:4000')
      .set('Access-Control-Request-Method', 'POST');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(ok.headers['access-control-allow-headers']).toBe('Content-Type, Authorization');
    const bad = await request(app())
      .options('/x')
      .set('Origin', 'http://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(bad.status).toBe(204);
    expect(bad.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('refuses patterns and wildcards at creation', () => {
    expect(() => cors({ allowedOrigins: ['*'] })).toThrow(TypeError);
    expect(() => cors({ allowedOrigins: ['http://127.0.0.1:4000/'] })).toThrow(/allowedOrigins/);
  });
});
