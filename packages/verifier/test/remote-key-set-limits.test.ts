import { gzipSync } from 'node:zlib';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { createRemoteKeySet, type RemoteKeySet, type RemoteKeySetOptions } from '../src/remote-key-set.js';
import { startJwksServer, type JwksHandler, type JwksServer } from './remote-key-set-server.js';

let pair: TestKeyPair;
const open: { servers: JwksServer[]; keySet: RemoteKeySet }[] = [];

beforeAll(async () => {
  pair = await createTestKeyPair();
});

afterEach(async () => {
  for (const { servers, keySet } of open.splice(0)) {
    keySet.close();
    for (const server of servers) await server.close();
  }
});

/** A key set on a server answering with `handler`; resolves with the code its first load fails with. */
async function failureCode(
  handler: JwksHandler,
  options: Partial<RemoteKeySetOptions> = {},
  servers: JwksServer[] = [],
) {
  const server = await startJwksServer([pair.publicJwk]);
  server.handle(handler);
  const keySet = createRemoteKeySet({ jwksUri: server.url, now: createClock().now, ...options });
  open.push({ servers: [server, ...servers], keySet });
  const error = await keySet.ready().then(
    () => undefined,
    (err: unknown) => err as { code: string; cause?: unknown },
  );
  expect(keySet.kids).toEqual([]);
  return error?.code;
}

const jwksBody = () => JSON.stringify({ keys: [pair.publicJwk] });

describe('remote key set: fetch limits', () => {
  it('times out when the server sends no headers', async () => {
    expect(await failureCode(() => undefined, { timeoutMs: 100 })).toBe('ERR_JWKS_TIMEOUT');
  });

  it('times out when the body stalls after the headers', async () => {
    const handler: JwksHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    };
    expect(await failureCode(handler, { timeoutMs: 150 })).toBe('ERR_JWKS_TIMEOUT');
  });

  it('refuses a body declared larger than maxResponseBytes without reading it', async () => {
    const handler: JwksHandler = (_req, res) => {
      res.writeHead(200, { 'content-length': 70_000 });
      res.write('{');
    };
    expect(await failureCode(handler)).toBe('ERR_JWKS_TOO_LARGE');
  });

  it('stops streaming a chunked body past maxResponseBytes', async () => {
    const handler: JwksHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = ' '.repeat(8_192);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    expect(await failureCode(handler, { maxResponseBytes: 16_384 })).toBe('ERR_JWKS_TOO_LARGE');
  });

  it('applies the cap to the decompressed body (gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.from(`{"keys":[],"pad":"${' '.repeat(1_000_000)}"}`));
    expect(bomb.length).toBeLessThan(65_536);
    const handler: JwksHandler = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': bomb.length,
      });
      res.end(bomb);
    };
    expect(await failureCode(handler)).toBe('ERR_JWKS_TOO_LARGE');
  });

  it('accepts a body of exactly maxResponseBytes', async () => {
    const body = jwksBody();
    const server = await startJwksServer([pair.publicJwk]);
    server.handle((_req, res) => res.end(body));
    const keySet = createRemoteKeySet({
      jwksUri: server.url,
      now: createClock().now,
      maxResponseBytes: Buffer.byteLength(body),
    });
    open.push({ servers: [server], keySet });
    await keySet.ready();
    expect(keySet.kids).toEqual([pair.kid]);
  });

  it.each([301, 302, 303, 307, 308])('refuses a %i redirect and never requests its target', async (status) => {
    const target = await startJwksServer([pair.publicJwk]);
    const handler: JwksHandler = (_req, res) => {
      res.writeHead(status, { location: target.url });
      res.end();
    };
    expect(await failureCode(handler, {}, [target])).toBe('ERR_JWKS_REDIRECT');
    expect(target.requests).toHaveLength(0);
  });

  it.each([204, 404, 429, 503])('refuses a %i answer', async (status) => {
    const handler: JwksHandler = (_req, res) => {
      res.statusCode = status;
      res.end(status === 204 ? undefined : jwksBody());
    };
    expect(await failureCode(handler)).toBe('ERR_JWKS_HTTP_STATUS');
  });

  it('refuses a 304 to a request that did not revalidate', async () => {
    const handler: JwksHandler = (_req, res) => {
      res.statusCode = 304;
      res.end();
    };
    expect(await failureCode(handler)).toBe('ERR_JWKS_HTTP_STATUS');
  });

  it('reports a refused connection as a network error', async () => {
    const server = await startJwksServer([]);
    const url = server.url;
    await server.close();
    const keySet = createRemoteKeySet({ jwksUri: url, now: createClock().now });
    open.push({ servers: [], keySet });
    const error = await keySet.ready().catch((err: unknown) => err as { code: string; cause: unknown });
    expect(error?.code).toBe('ERR_JWKS_NETWORK');
    expect(error?.cause).toBeDefined();
  });
});
