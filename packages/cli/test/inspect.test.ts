import { createTestKeyPair } from '@jwks-kit/test-kit';
import type { TestKeyPair } from '@jwks-kit/test-kit';
import { SignJWT } from 'jose';
import { runCli } from './support/run-cli.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function unsignedPart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('jwks-kit inspect', () => {
  let key: TestKeyPair;
  let token: string;

  beforeAll(async () => {
    key = await createTestKeyPair();
    token = await new SignJWT({ scope: 'orders:read' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })
      .setIssuer('https://auth.example')
      .setAudience('orders')
      .setSubject('user-1')
      .setIssuedAt(nowSeconds() - 60)
      .setExpirationTime(nowSeconds() + 4 * 60 + 30)
      .sign(key.privateKey);
  });

  it('decodes a token from stdin with `-`: UNVERIFIED banner, size, header, claims with UTC and relative times', async () => {
    const result = await runCli(['inspect', '-'], `${token}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toContain('UNVERIFIED');
    expect(result.stdout).toContain(`Token  ${token.length} bytes`);
    expect(result.stdout).toMatch(/alg\s+RS256/);
    expect(result.stdout).toMatch(new RegExp(`kid\\s+${key.kid}`));
    expect(result.stdout).toMatch(/sub\s+user-1/);
    expect(result.stdout).toMatch(/exp\s+\d+\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\(in 4m( \d+s)?\)/);
    expect(result.stdout).toMatch(/iat\s+\d+\s+\S+Z\s+\(1m( \d+s)? ago\)/);
    expect(result.stdout).not.toContain('Warnings');
  });

  it('reads a piped token without `-`, and strips a "Bearer " prefix', async () => {
    const result = await runCli(['inspect'], `Bearer ${token}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sub\s+user-1/);
  });

  it('prints one JSON document with --json', async () => {
    const result = await runCli(['inspect', '-', '--json'], token);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      verified: false,
      header: { alg: 'RS256', typ: 'at+jwt', kid: key.kid },
      claims: { sub: 'user-1', aud: 'orders', scope: 'orders:read' },
      size: { total: token.length },
      warnings: [],
    });
    expect(report.times.exp.relative).toMatch(/^in 4m/);
    expect(report.times.exp.utc).toBe(new Date(report.claims.exp * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('refuses a token given as an argument (shell history) with exit 2 and recommends stdin', async () => {
    const result = await runCli(['inspect', token]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('shell history');
    expect(result.stderr).toContain('jwks-kit inspect -');
    expect(result.stderr).not.toContain(token);
  });

  it('accepts a token as an argument with --allow-argv', async () => {
    const result = await runCli(['inspect', '--allow-argv', token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sub\s+user-1/);
  });

  it.each([
    ['two parts', 'abc.def', /expected 3 dot-separated parts.*found 2/],
    ['a JWE', 'a.b.c.d.e', /encrypted JWE/],
    ['a header that is not base64url', 'ab+c.def.ghi', /header is not base64url/],
    [
      'a payload that is not JSON',
      `${unsignedPart({ alg: 'RS256' })}.${Buffer.from('not json').toString('base64url')}.sig`,
      /payload is not JSON/,
    ],
    [
      'a payload that is a JSON array',
      `${unsignedPart({ alg: 'RS256' })}.${unsignedPart([1, 2])}.sig`,
      /payload is not a JSON object/,
    ],
    ['an empty input', '  \n', /input is empty/],
    ['two tokens', 'a.b.c d.e.f', /whitespace/],
  ])('rejects %s with exit 1 and a message naming the problem', async (_name, input, message) => {
    const result = await runCli(['inspect', '-'], input);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('warns about an unsigned, expired token without typ, kid or a sane size', async () => {
    const claims = { sub: 'user-1', exp: nowSeconds() - 180, roles: 'x'.repeat(1200) };
    const result = await runCli(['inspect', '-'], `${unsignedPart({ alg: 'none' })}.${unsignedPart(claims)}.`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('UNVERIFIED');
    expect(result.stdout).toMatch(/alg is "none"/);
    expect(result.stdout).toMatch(/expired 3m( \d+s)? ago/);
    expect(result.stdout).toMatch(/not "at\+jwt"/);
    expect(result.stdout).toMatch(/no kid/);
    expect(result.stdout).toMatch(/payload is \d+ bytes/);
  });

  it('warns when a token has no exp', async () => {
    const result = await runCli(
      ['inspect', '-', '--json'],
      `${unsignedPart({ alg: 'RS256', typ: 'at+jwt', kid: 'k' })}.${unsignedPart({ sub: 'a' })}.c2ln`,
    );
    expect(JSON.parse(result.stdout).warnings).toEqual([
      'no exp claim: jwks-kit verifiers reject tokens that never expire',
    ]);
  });
});
