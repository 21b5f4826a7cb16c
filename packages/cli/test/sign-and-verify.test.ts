import { createTestKeyPair, freePort } from '@jwks-kit/test-kit';
import { SignJWT } from 'jose';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './support/run-cli.js';
import { jwksAnswer, startJwksServer } from './support/jwks-server.js';
import { createTempDir } from './support/temp-dir.js';

describe('jwks-kit sign and inspect --jwks', () => {
  let tmp: Awaited<ReturnType<typeof createTempDir>>;
  let dir: string;
  let jwksFile: string;
  let server: Awaited<ReturnType<typeof startJwksServer>>;

  beforeAll(async () => {
    tmp = await createTempDir();
    dir = join(tmp.path, 'keys');
    await runCli(['keys', 'init', '--dir', dir]);
    const jwks = (await runCli(['jwks', '--dir', dir])).stdout;
    jwksFile = join(tmp.path, 'jwks.json');
    await writeFile(jwksFile, jwks);
    server = await startJwksServer(jwksAnswer(JSON.parse(jwks)));
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  async function sign(...extra: string[]): Promise<string> {
    const result = await runCli([
      'sign',
      '--issuer',
      'http://127.0.0.1:4000',
      '--dir',
      dir,
      '--sub',
      'alice',
      '--aud',
      'orders',
      '--scope',
      'orders:read',
      ...extra,
    ]);
    expect(result.code).toBe(0);
    return result.stdout.trim();
  }

  it('sign prints only the token on stdout and a development-tool warning on stderr', async () => {
    const result = await runCli([
      'sign',
      '--issuer',
      'http://127.0.0.1:4000',
      '--dir',
      dir,
      '--sub',
      'alice',
      '--aud',
      'orders',
      '--ttl',
      '5m',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.stderr).toContain('DEVELOPMENT TOOL');
    const inspected = JSON.parse((await runCli(['inspect', '-', '--json'], result.stdout)).stdout);
    expect(inspected.header.typ).toBe('at+jwt');
    expect(inspected.claims.exp - inspected.claims.iat).toBe(300);
  });

  it('sign refuses missing --sub or --aud (exit 2) and a ttl over the maximum lifetime (exit 1)', async () => {
    expect((await runCli(['sign', '--issuer', 'http://127.0.0.1:4000', '--dir', dir, '--aud', 'orders'])).code).toBe(2);
    expect((await runCli(['sign', '--issuer', 'http://127.0.0.1:4000', '--dir', dir, '--sub', 'a'])).code).toBe(2);
    const tooLong = await runCli([
      'sign',
      '--issuer',
      'http://127.0.0.1:4000',
      '--dir',
      dir,
      '--sub',
      'a',
      '--aud',
      'orders',
      '--ttl',
      '2d',
    ]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('ERR_INVALID_TTL');
  });

  it('inspect --jwks FILE verifies a good token (exit 0) and says what was not compared', async () => {
    const token = await sign();
    const result = await runCli(['inspect', '-', '--jwks', jwksFile], token);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^VERIFIED against /);
    expect(result.stdout).toContain('not compared with expected values: issuer (--issuer), audience (--audience)');
    expect(result.stdout).not.toContain('UNVERIFIED');
    const strict = await runCli(
      ['inspect', '-', '--jwks', jwksFile, '--issuer', 'http://127.0.0.1:4000', '--audience', 'orders', '--json'],
      token,
    );
    expect(strict.code).toBe(0);
    expect(JSON.parse(strict.stdout)).toMatchObject({
      verified: true,
      verification: { valid: true, checked: { issuer: true, audience: true } },
    });
  });

  it('inspect --jwks URL verifies against a real JWKS server', async () => {
    const result = await runCli(['inspect', '-', '--jwks', server.url, '--audience', 'orders'], await sign());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`VERIFIED against ${server.url}`);
  });

  it.each([
    [
      'a wrong audience',
      ['--audience', 'profile'],
      /INVALID \(invalid_token\): The access token audience is not accepted/,
    ],
    [
      'a wrong issuer',
      ['--issuer', 'https://evil.example'],
      /INVALID \(invalid_token\): The access token issuer is not accepted/,
    ],
  ])('inspect --jwks says exactly why a token fails: %s (exit 1)', async (_name, args, message) => {
    const result = await runCli(['inspect', '-', '--jwks', jwksFile, ...args], await sign());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(message);
  });

  it('inspect --jwks reports a tampered signature and a token signed by another key as invalid_token', async () => {
    const token = await sign();
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(256, 1).toString('base64url')}`;
    const tampered = await runCli(['inspect', '-', '--jwks', jwksFile, '--json'], forged);
    expect(tampered.code).toBe(1);
    const verification = JSON.parse(tampered.stdout).verification;
    expect(verification).toMatchObject({ valid: false, code: 'invalid_token' });
    expect(verification.message).toContain('signature is invalid');

    const foreign = await createTestKeyPair();
    const now = Math.floor(Date.now() / 1000);
    const impostor = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: JSON.parse(tampered.stdout).header.kid })
      .setIssuer('http://127.0.0.1:4000')
      .setAudience('orders')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(foreign.privateKey);
    const result = await runCli(['inspect', '-', '--jwks', jwksFile, '--json'], impostor);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).verification.code).toBe('invalid_token');
  });

  it('inspect --jwks reports an expired token as token_expired', async () => {
    const own = await createTestKeyPair();
    const ownJwks = join(tmp.path, 'own-jwks.json');
    await writeFile(ownJwks, JSON.stringify({ keys: [own.publicJwk] }));
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: own.kid })
      .setIssuer('http://127.0.0.1:4000')
      .setAudience('orders')
      .setIssuedAt(now - 600)
      .setExpirationTime(now - 300)
      .sign(own.privateKey);
    const result = await runCli(['inspect', '-', '--jwks', ownJwks], expired);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^INVALID \(token_expired\)/);
    expect(result.stdout).toMatch(/expired 5m( \d+s)? ago/);
  });

  it('inspect --jwks fails with exit 3 when the JWKS is unreachable or the file is not a JWK Set', async () => {
    const token = await sign();
    const port = await freePort();
    const unreachable = await runCli(['inspect', '-', '--jwks', `http://127.0.0.1:${port}/jwks.json`], token);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot get keys from http://127.0.0.1:${port}/jwks.json`);
    expect(unreachable.stderr).toContain('ERR_JWKS_NETWORK');

    const notJwks = join(tmp.path, 'not-jwks.json');
    await writeFile(notJwks, '{"keys": 1}');
    const bad = await runCli(['inspect', '-', '--jwks', notJwks], token);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('is not a usable JWK Set');
    const missing = await runCli(['inspect', '-', '--jwks', join(tmp.path, 'missing.json')], token);
    expect(missing.code).toBe(3);
  });
});
