import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prebuildJson, prebuiltJsonHandler } from '../src/index.js';

describe('prebuiltJsonHandler over a real Node server', () => {
  let server: Server;
  let base: string;
  const document = { issuer: 'https://issuer.example', optional: undefined, list: ['a', 'b'] };
  beforeAll(async () => {
    const handler = prebuiltJsonHandler(document, { maxAgeSeconds: 120 });
    server = createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 405;
        res.end('next');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('GET: 200, the JSON (undefined members left out), content type, cache-control and length', async () => {
    const response = await fetch(base);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=120');
    const text = await response.text();
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toEqual({ issuer: 'https://issuer.example', list: ['a', 'b'] });
  });

  it('HEAD: the same headers, no body', async () => {
    const response = await fetch(base, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=120');
    expect(await response.text()).toBe('');
  });

  it('other methods pass to next()', async () => {
    const response = await fetch(base, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.text()).toBe('next');
  });

  it('serialises once: changing the document afterwards changes nothing served', async () => {
    document.list.push('c');
    expect(JSON.parse(await (await fetch(base)).text()).list).toEqual(['a', 'b']);
  });
});

describe('prebuildJson', () => {
  it.each([-1, 1.5, Number.NaN, '60'])('refuses maxAgeSeconds %p with a TypeError naming it', (maxAgeSeconds) => {
    expect(() => prebuildJson({}, { maxAgeSeconds: maxAgeSeconds as number })).toThrow(
      new TypeError('option `maxAgeSeconds` must be a non-negative integer'),
    );
  });

  it('takes its content type', () => {
    expect(prebuildJson({ keys: [] }, { maxAgeSeconds: 0, contentType: 'application/jwk-set+json' })).toMatchObject({
      contentType: 'application/jwk-set+json',
      cacheControl: 'public, max-age=0',
    });
  });
});
