import { JWKS_FETCH_VECTORS, VECTOR_MAX_JWKS_BYTES, startJwksFetchVectorServer } from '@jwks-kit/test-kit';
import type { JwksFetchVectorServer } from '@jwks-kit/test-kit';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJwks, isJwksFetchError, JwksFetchError, parseJwksJson } from '../src/index.js';

async function fetchAndParse(url: string): Promise<unknown> {
  const answer = await fetchJwks(new URL(url), { timeoutMs: 1000, maxResponseBytes: VECTOR_MAX_JWKS_BYTES });
  if (answer.status !== 200) throw new Error(`unexpected ${answer.status}`);
  return parseJwksJson(new URL(url), answer);
}

describe('fetchJwks: the shared JWKS fetch vectors', () => {
  let vectors: JwksFetchVectorServer;
  beforeAll(async () => {
    vectors = await startJwksFetchVectorServer();
  });
  afterAll(() => vectors.close());

  it.each(JWKS_FETCH_VECTORS.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const error = await fetchAndParse(vectors.url(vector)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JwksFetchError);
    expect(isJwksFetchError(error)).toBe(true);
    expect((error as JwksFetchError).code).toBe(vector.expected);
    for (const words of vector.messageIncludes) expect((error as Error).message).toContain(words);
  });
});

describe('fetchJwks: answers it accepts', () => {
  let server: Server;
  let url: URL;
  const requests: { accept?: string; ifNoneMatch?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] });
      if (req.headers['if-none-match'] === '"v1"' || req.url === '/unsolicited-304')
        return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('a 200 with its body and headers, sending the JWKS Accept header', async () => {
    const answer = await fetchJwks(url, { timeoutMs: 2000, maxResponseBytes: 1024 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"v1"');
    expect(parseJwksJson(url, answer as Extract<typeof answer, { status: 200 }>)).toEqual({ keys: [] });
    expect(requests.at(-1)?.accept).toBe('application/jwk-set+json, application/json');
  });

  it('a 304 only to a revalidation (If-None-Match sent)', async () => {
    const answer = await fetchJwks(url, { timeoutMs: 2000, maxResponseBytes: 1024, etag: '"v1"' });
    expect(answer.status).toBe(304);
    expect(requests.at(-1)?.ifNoneMatch).toBe('"v1"');
  });

  it('a 304 to a request that did not revalidate is an HTTP status error, not a redirect', async () => {
    await expect(
      fetchJwks(new URL('/unsolicited-304', url), { timeoutMs: 2000, maxResponseBytes: 1024 }),
    ).rejects.toMatchObject({ code: 'ERR_JWKS_HTTP_STATUS' });
  });

  it('a body of exactly the cap passes; one byte less of cap refuses it', async () => {
    await expect(fetchJwks(url, { timeoutMs: 2000, maxResponseBytes: 11 })).resolves.toMatchObject({ status: 200 });
    await expect(fetchJwks(url, { timeoutMs: 2000, maxResponseBytes: 10 })).rejects.toMatchObject({
      code: 'ERR_JWKS_TOO_LARGE',
    });
  });

  it('ERR_JWKS_NETWORK naming the cause when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      fetchJwks(new URL(`http://127.0.0.1:${port}/jwks.json`), { timeoutMs: 2000, maxResponseBytes: 1024 }),
    ).rejects.toMatchObject({ code: 'ERR_JWKS_NETWORK', message: expect.stringContaining('ECONNREFUSED') });
  });
});
