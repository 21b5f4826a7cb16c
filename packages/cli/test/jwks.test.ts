import { JWKS_FETCH_VECTORS, createTestKeyPair, freePort, startJwksFetchVectorServer } from '@jwks-kit/test-kit';
import type { JwksFetchVectorServer, TestKeyPair } from '@jwks-kit/test-kit';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { runCli } from './support/run-cli.js';
import { jwksAnswer, startJwksServer } from './support/jwks-server.js';
import { createTempDir } from './support/temp-dir.js';

describe('jwks-kit jwks', () => {
  let server: Awaited<ReturnType<typeof startJwksServer>>;
  let key: TestKeyPair;
  let other: TestKeyPair;

  beforeAll(async () => {
    [key, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
    server = await startJwksServer(jwksAnswer({ keys: [] }));
  });
  afterAll(() => server.close());

  function serve(body: unknown, headers?: Record<string, string>): void {
    Object.assign(server.answer, jwksAnswer(body), headers ? { headers } : {});
  }

  it('--dir prints the public JWKS of a key store, never private members', async () => {
    const tmp = await createTempDir();
    try {
      const dir = join(tmp.path, 'keys');
      await runCli(['keys', 'init', '--dir', dir]);
      const result = await runCli(['jwks', '--dir', dir]);
      expect(result.code).toBe(0);
      const jwks = JSON.parse(result.stdout);
      expect(jwks.keys).toHaveLength(2);
      for (const jwk of jwks.keys) expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    } finally {
      await tmp.cleanup();
    }
  });

  it('--url reports a healthy JWKS with exit 0 and a table of keys', async () => {
    serve({ keys: [key.publicJwk, other.publicJwk] });
    const result = await runCli(['jwks', '--url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^OK {2}http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json {2}\(HTTP 200/);
    expect(result.stdout).toMatch(new RegExp(`${key.kid}\\s+RSA\\s+RS256\\s+sig\\s+2048`));
    expect(result.stdout).not.toMatch(/error:|warning:/);
  });

  it('--url reports every problem with exit 1: private members, duplicate kid, small key', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small = { ...publicKey.export({ format: 'jwk' }), kid: 'small', alg: 'RS256', use: 'sig' };
    serve({ keys: [key.privateJwk, other.publicJwk, { ...other.publicJwk }, small] });
    const result = await runCli(['jwks', '--url', server.url, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    const messages = report.problems.map((problem: { message: string }) => problem.message).join('\n');
    expect(messages).toMatch(/private members \(d, p, q, dp, dq, qi\)/);
    expect(messages).toMatch(/duplicate kid \(also key #1\)/);
    expect(messages).toMatch(/`n` must be a modulus of 2048 to 16384 bits \(this one has 1024\)/);
    expect(result.stdout).not.toContain(String(key.privateJwk.d));
  });

  it('--url warns (exit 0) about a missing Cache-Control and a kid that is not the thumbprint', async () => {
    serve({ keys: [{ ...key.publicJwk, kid: 'key-1' }] }, { 'content-type': 'application/json' });
    const result = await runCli(['jwks', '--url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: no Cache-Control max-age');
    expect(result.stdout).toContain('warning: key-1: kid is not the RFC 7638 thumbprint');
  });

  describe('--url on the shared JWKS fetch vectors (exit 3, the message of the verifiers)', () => {
    let vectors: JwksFetchVectorServer;
    beforeAll(async () => {
      vectors = await startJwksFetchVectorServer();
    });
    afterAll(() => vectors.close());

    it.each(JWKS_FETCH_VECTORS.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
      const result = await runCli(['jwks', '--url', vectors.url(vector), '--timeout', '1s', '--json']);
      expect(result.code).toBe(3);
      const error = JSON.parse(result.stdout) as { code: string; message: string };
      expect(error.code).toBe(vector.unreachable ? 'ERR_CLI_UNREACHABLE' : 'ERR_CLI_BAD_JWKS');
      for (const words of vector.messageIncludes) expect(error.message).toContain(words);
    });
  });

  it('--url fails with exit 1 on a JSON document that is not a JWK Set', async () => {
    serve({ hello: 'world' });
    const result = await runCli(['jwks', '--url', server.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not a JWK Set');
  });

  it('--url fails with exit 3 and a clear message when nothing listens', async () => {
    const port = await freePort();
    const result = await runCli(['jwks', '--url', `http://127.0.0.1:${port}/jwks.json`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach http://127.0.0.1:${port}/jwks.json: ECONNREFUSED`);
  });

  it('refuses --dir with --url, and a URL that is not http(s), with exit 2', async () => {
    expect((await runCli(['jwks', '--dir', 'x', '--url', server.url])).code).toBe(2);
    const ftp = await runCli(['jwks', '--url', 'ftp://example.com/jwks']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('must be an http(s) URL');
  });
});
