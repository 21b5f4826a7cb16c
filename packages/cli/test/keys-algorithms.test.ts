import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { runCli } from './support/run-cli.js';
import { createTempDir } from './support/temp-dir.js';

interface ListedKey {
  kid: string;
  state: string;
  alg: string;
  bits: number;
}

describe('jwks-kit keys --alg and sign', () => {
  let tmp: Awaited<ReturnType<typeof createTempDir>>;

  beforeAll(async () => {
    tmp = await createTempDir();
  });
  afterAll(() => tmp.cleanup());

  const listed = async (dir: string): Promise<ListedKey[]> =>
    JSON.parse((await runCli(['keys', 'list', '--dir', dir, '--json'])).stdout).keys;

  it('init --alg ES256 makes P-256 keys; jwks publishes them as EC; sign follows; rotate --alg EdDSA migrates', async () => {
    const dir = join(tmp.path, 'es256');
    const init = await runCli(['keys', 'init', '--dir', dir, '--alg', 'ES256', '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout).keys.map((key: ListedKey) => [key.alg, key.bits])).toEqual([
      ['ES256', 256],
      ['ES256', 256],
    ]);
    const jwks = JSON.parse((await runCli(['jwks', '--dir', dir])).stdout) as { keys: JWK[] };
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
    const signed = await runCli([
      'sign',
      '--issuer',
      'http://127.0.0.1:4000',
      '--dir',
      dir,
      '--sub',
      'alice',
      '--aud',
      'orders',
    ]);
    expect(signed.code).toBe(0);
    const token = signed.stdout.trim();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], audience: 'orders' });

    const rotated = await runCli(['keys', 'rotate', '--dir', dir, '--now', '--alg', 'EdDSA']);
    expect(rotated.code).toBe(0);
    const keys = await listed(dir);
    expect(keys.map((key) => [key.state, key.alg]).sort()).toEqual([
      ['active', 'ES256'],
      ['next', 'EdDSA'],
      ['retired', 'ES256'],
    ]);
    const table = (await runCli(['keys', 'list', '--dir', dir])).stdout;
    expect(table).toMatch(new RegExp(`${keys.find((key) => key.state === 'next')!.kid}\\s+next\\s+EdDSA\\s+256`));
    // Rotating again without --alg keeps the algorithm of the key that starts signing.
    expect((await runCli(['keys', 'rotate', '--dir', dir, '--now'])).code).toBe(0);
    expect(
      (await listed(dir))
        .filter((key) => key.state !== 'retired')
        .map((key) => key.alg)
        .sort(),
    ).toEqual(['EdDSA', 'EdDSA']);
  });

  it('refuses --alg HS256 or none and --bits for a non-RSA algorithm (exit 2)', async () => {
    for (const alg of ['HS256', 'none', 'ES384']) {
      const result = await runCli(['keys', 'init', '--dir', join(tmp.path, `bad-${alg}`), '--alg', alg]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--alg must be one of RS256, PS256, ES256, EdDSA/);
    }
    const bits = await runCli(['keys', 'init', '--dir', join(tmp.path, 'bits'), '--alg', 'EdDSA', '--bits', '3072']);
    expect(bits.code).toBe(2);
  });

  it('import takes an Ed25519 PEM as EdDSA, an RSA PEM as PS256 on request, and refuses a key that does not fit --alg (exit 1)', async () => {
    const edPem = join(tmp.path, 'ed.pem');
    const rsaPem = join(tmp.path, 'rsa.pem');
    const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
      key.export({ type: 'pkcs8', format: 'pem' }) as string;
    await writeFile(edPem, pem(generateKeyPairSync('ed25519').privateKey), { mode: 0o600 });
    await writeFile(rsaPem, pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), { mode: 0o600 });

    const edDir = join(tmp.path, 'ed');
    expect((await runCli(['keys', 'import', '--dir', edDir, '--pem', edPem])).code).toBe(0);
    expect((await listed(edDir)).map((key) => key.alg)).toEqual(['EdDSA', 'EdDSA']);

    const psDir = join(tmp.path, 'ps');
    expect((await runCli(['keys', 'import', '--dir', psDir, '--pem', rsaPem, '--alg', 'PS256'])).code).toBe(0);
    expect((await listed(psDir)).map((key) => [key.alg, key.bits])).toEqual([
      ['PS256', 2048],
      ['PS256', 2048],
    ]);

    const refused = await runCli(['keys', 'import', '--dir', join(tmp.path, 'x'), '--pem', rsaPem, '--alg', 'ES256']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot sign ES256/);
  });
});
