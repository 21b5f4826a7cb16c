import { discoverJwksUri } from '../src/discover-jwks-uri.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

let server: JwksServer;
let issuer: string;
let document: unknown;

beforeAll(async () => {
  server = await startJwksServer([]);
  issuer = server.origin;
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  document = { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, token_endpoint: `${issuer}/token` };
  server.handle((req, res) => {
    if (req.url !== '/.well-known/openid-configuration') {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(typeof document === 'string' ? document : JSON.stringify(document));
  });
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  );

describe('discoverJwksUri', () => {
  it("returns the issuer's jwks_uri", async () => {
    const url = await discoverJwksUri(issuer);
    expect(url.href).toBe(`${issuer}/.well-known/jwks.json`);
    expect(server.requests.at(-1)?.url).toBe('/.well-known/openid-configuration');
  });

  it('builds the document URL from an issuer with a trailing slash or a path', async () => {
    document = { issuer: `${issuer}/`, jwks_uri: `${issuer}/jwks` };
    await expect(discoverJwksUri(`${issuer}/`)).resolves.toEqual(new URL(`${issuer}/jwks`));
    expect(server.requests.at(-1)?.url).toBe('/.well-known/openid-configuration');
    await expect(discoverJwksUri(`${issuer}/tenant-a`)).rejects.toMatchObject({ code: 'ERR_JWKS_HTTP_STATUS' });
    expect(server.requests.at(-1)?.url).toBe('/tenant-a/.well-known/openid-configuration');
  });

  it.each([
    ['with a trailing slash', () => `${issuer}/`],
    ['in another case', () => issuer.toUpperCase()],
    ['of another host', () => 'https://evil.example'],
    ['missing', () => undefined],
  ])('refuses a document whose issuer is %s', async (_name, documentIssuer) => {
    document = { issuer: documentIssuer(), jwks_uri: `${issuer}/jwks` };
    expect(await codeOf(discoverJwksUri(issuer))).toBe('ERR_DISCOVERY_ISSUER_MISMATCH');
  });

  it.each([
    ['http on a public host', 'http://issuer.example/jwks'],
    ['another scheme', 'file:///etc/passwd'],
    ['credentials', 'https://user:pw@issuer.example/jwks'],
  ])('refuses a jwks_uri with %s', async (_name, jwksUri) => {
    document = { issuer, jwks_uri: jwksUri };
    expect(await codeOf(discoverJwksUri(issuer))).toBe('ERR_JWKS_INSECURE_URL');
  });

  it('allows an http jwks_uri on a public host with allowInsecureHttp', async () => {
    document = { issuer, jwks_uri: 'http://issuer.example/jwks' };
    await expect(discoverJwksUri(issuer, { allowInsecureHttp: true })).resolves.toEqual(
      new URL('http://issuer.example/jwks'),
    );
  });

  it.each<[string, unknown]>([
    ['not JSON', '<html>'],
    ['an array', '[]'],
    ['without jwks_uri', { issuer: 'ISSUER' }],
    ['with a relative jwks_uri', { issuer: 'ISSUER', jwks_uri: '/jwks' }],
  ])('refuses a document that is %s', async (_name, body) => {
    document = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, issuer } : body;
    expect(await codeOf(discoverJwksUri(issuer))).toBe('ERR_DISCOVERY_INVALID');
  });

  it('follows no redirect and applies the fetch limits', async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { location: 'https://evil.example/.well-known/openid-configuration' });
      res.end();
    });
    expect(await codeOf(discoverJwksUri(issuer))).toBe('ERR_JWKS_REDIRECT');
    server.handle((_req, res) =>
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, pad: 'x'.repeat(2_000) })),
    );
    expect(await codeOf(discoverJwksUri(issuer, { maxResponseBytes: 1_000 }))).toBe('ERR_JWKS_TOO_LARGE');
    server.handle(() => undefined);
    expect(await codeOf(discoverJwksUri(issuer, { timeoutMs: 100 }))).toBe('ERR_JWKS_TIMEOUT');
    server.handle((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    expect(await codeOf(discoverJwksUri(issuer))).toBe('ERR_JWKS_HTTP_STATUS');
  });

  it.each<[string, unknown, object]>([
    ['issuer', 'http://issuer.example', {}],
    ['issuer', 'not a url', {}],
    ['issuer', 42, {}],
    ['issuer', 'https://issuer.example?tenant=1', {}],
    ['timeoutMs', 'https://issuer.example', { timeoutMs: 0 }],
    ['maxResponseBytes', 'https://issuer.example', { maxResponseBytes: -1 }],
    ['allowInsecureHttp', 'https://issuer.example', { allowInsecureHttp: 1 }],
  ])('throws a TypeError naming `%s` for bad arguments', async (name, value, options) => {
    const attempt = discoverJwksUri(value as string, options);
    await expect(attempt).rejects.toThrow(TypeError);
    await expect(attempt).rejects.toThrow(name);
  });
});
