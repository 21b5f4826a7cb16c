import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { createClock } from '@jwks-kit/test-kit';
import {
  createAccessTokenSigner,
  createFileKeyStore,
  createKeyRing,
  createMemoryKeyStore,
  importPrivateKey,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ISSUER = 'https://auth.example.com';
const base = { maxJwksCacheAgeMs: 10 * MINUTE, maxTokenLifetimeSeconds: HOUR / 1000, safetyMarginMs: 5 * MINUTE };

/** The JWKS members each key type publishes, and nothing else. */
const PUBLISHED: Record<SigningAlgorithm, string[]> = {
  RS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
  PS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
  ES256: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
  EdDSA: ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
};
const KTY: Record<SigningAlgorithm, string> = { RS256: 'RSA', PS256: 'RSA', ES256: 'EC', EdDSA: 'OKP' };

const signerOf = (keyRing: Awaited<ReturnType<typeof createKeyRing>>) =>
  createAccessTokenSigner({ issuer: ISSUER, keyRing, defaultAudience: 'orders' });

const verifyWith = (jwks: { keys: readonly object[] }, token: string, alg: SigningAlgorithm) =>
  jwtVerify(token, createLocalJWKSet({ keys: [...jwks.keys] as JWK[] }), {
    algorithms: [alg],
    issuer: ISSUER,
    audience: 'orders',
    typ: 'at+jwt',
  });

describe('key ring algorithms', () => {
  it('lists the four signing algorithms', () => {
    expect([...SIGNING_ALGORITHMS]).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
  });

  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s: generates keys of that algorithm, publishes them with alg and use, kid = RFC 7638 thumbprint, tokens verify with jose',
    async (algorithm) => {
      const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), algorithm });
      const { keys } = ring.publicJwks();
      expect(keys).toHaveLength(2);
      for (const jwk of keys) {
        expect(Object.keys(jwk).sort()).toEqual(PUBLISHED[algorithm]);
        expect(jwk).toMatchObject({ kty: KTY[algorithm], alg: algorithm, use: 'sig' });
        expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk as JWK, 'sha256'));
      }
      expect(ring.keys().map((key) => key.alg)).toEqual([algorithm, algorithm]);
      expect(ring.signingKey().alg).toBe(algorithm);
      const signed = await signerOf(ring).sign({ sub: 'user-1' });
      const { protectedHeader } = await verifyWith(ring.publicJwks(), signed.token, algorithm);
      expect(protectedHeader).toEqual({ alg: algorithm, typ: 'at+jwt', kid: signed.kid });
      // A key never verifies under another algorithm, even one of its kty.
      const other: SigningAlgorithm = algorithm === 'RS256' ? 'PS256' : 'RS256';
      await expect(verifyWith(ring.publicJwks(), signed.token, other)).rejects.toMatchObject({
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      });
    },
  );

  it('ES256 and EdDSA tokens are 342 - 86 = 256 characters shorter than RS256 tokens with the same claims', async () => {
    const size = async (algorithm: SigningAlgorithm) => {
      const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), algorithm });
      return (await signerOf(ring).sign({ sub: 'user-1', scope: 'orders:read' })).token.length;
    };
    const [rs, es, ed] = [await size('RS256'), await size('ES256'), await size('EdDSA')];
    expect(rs - es).toBe(Math.ceil((256 * 4) / 3) - Math.ceil((64 * 4) / 3));
    expect(ed).toBe(es + 'EdDSA'.length - 'ES256'.length);
  });

  it('refuses an algorithm it cannot sign with (TypeError naming the option)', async () => {
    for (const algorithm of ['HS256', 'none', 'ES384', 'RS512', '']) {
      await expect(
        createKeyRing({ ...base, store: createMemoryKeyStore(), algorithm: algorithm as SigningAlgorithm }),
      ).rejects.toThrow(/option `algorithm` must be one of RS256, PS256, ES256, EdDSA/);
    }
  });

  it('RS256 → ES256 is a rotation: the ES256 key is published ahead, signs after the window, RS256 tokens keep verifying', async () => {
    const clock = createClock();
    const rsRing = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    const rsToken = (await signerOf(rsRing).sign({ sub: 'user-1' })).token;
    clock.advance(1);
    await rsRing.prepareNextKey('ES256');
    const next = rsRing.keys().find((key) => key.state === 'next')!;
    expect(next).toMatchObject({ alg: 'ES256', createdAtMs: clock.now(), activatesAtMs: clock.now() + 15 * MINUTE });
    expect(rsRing.publicJwks().keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    await expect(rsRing.rotate()).rejects.toMatchObject({ code: 'ERR_NEXT_KEY_NOT_READY' });
    expect(rsRing.signingKey().alg).toBe('RS256');
    clock.advance(15 * MINUTE);
    await rsRing.rotate({ nextAlgorithm: 'ES256' });
    // Newest first: the generated next key, the ES256 key that signs now, the retired RS256 key.
    expect(rsRing.signingKey()).toMatchObject({ alg: 'ES256', kid: next.kid });
    expect(rsRing.keys().map((key) => [key.state, key.alg])).toEqual([
      ['next', 'ES256'],
      ['active', 'ES256'],
      ['retired', 'RS256'],
    ]);
    const esToken = (await signerOf(rsRing).sign({ sub: 'user-1' })).token;
    await verifyWith(rsRing.publicJwks(), esToken, 'ES256');
    await verifyWith(rsRing.publicJwks(), rsToken, 'RS256');
  });

  it('rotate() without nextAlgorithm generates the ring algorithm; a bad nextAlgorithm or prepareNextKey() alg is refused', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now, algorithm: 'EdDSA' });
    clock.advance(15 * MINUTE);
    await ring.rotate();
    expect(ring.keys().map((key) => key.alg)).toEqual(['EdDSA', 'EdDSA', 'EdDSA']);
    await expect(ring.rotate({ nextAlgorithm: 'HS256' as SigningAlgorithm })).rejects.toThrow(TypeError);
    await expect(ring.prepareNextKey('none' as SigningAlgorithm)).rejects.toThrow(TypeError);
  });

  it('the file store persists each key with its alg; a ring reopened over it signs with the same algorithm', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jwks-kit-algs-'));
    try {
      const path = join(dir, 'keys.json');
      const ring = await createKeyRing({ ...base, store: createFileKeyStore({ path }), algorithm: 'ES256' });
      await ring.prepareNextKey('EdDSA');
      const file = JSON.parse(await readFile(path, 'utf8')) as { keys: Record<string, unknown>[] };
      expect(file.keys.map((key) => [key.kty, key.crv, key.alg, key.state])).toEqual(
        expect.arrayContaining([
          ['EC', 'P-256', 'ES256', 'active'],
          ['OKP', 'Ed25519', 'EdDSA', 'next'],
        ]),
      );
      const reopened = await createKeyRing({ ...base, store: createFileKeyStore({ path }) });
      expect(reopened.signingKey()).toMatchObject({ alg: 'ES256', kid: ring.signingKey().kid });
      expect(reopened.publicJwks()).toEqual(ring.publicJwks());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['an EC key bound to RS256', (key: Record<string, unknown>) => ({ ...key, alg: 'RS256' }), /kty is not "RSA"/],
    ['an EC key on another curve', (key: Record<string, unknown>) => ({ ...key, crv: 'P-384' }), /crv is not "P-256"/],
    ['an EC key without y', (key: Record<string, unknown>) => ({ ...key, y: undefined }), /\.y is missing/],
    ['an EC key with HS256', (key: Record<string, unknown>) => ({ ...key, alg: 'HS256' }), /alg is not one of/],
    [
      'an EC key whose kid is not its thumbprint',
      (key: Record<string, unknown>) => ({ ...key, kid: 'k' }),
      /thumbprint/,
    ],
  ])('the file store refuses a key file with %s (ERR_KEY_FILE_CORRUPT)', async (_, mutate, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'jwks-kit-algs-'));
    try {
      const path = join(dir, 'keys.json');
      await createKeyRing({ ...base, store: createFileKeyStore({ path }), algorithm: 'ES256' });
      const file = JSON.parse(await readFile(path, 'utf8')) as { keys: Record<string, unknown>[] };
      file.keys[0] = mutate(file.keys[0]!);
      await writeFile(path, JSON.stringify(file), { mode: 0o600 });
      const error = await createFileKeyStore({ path })
        .load()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' });
      expect(String((error as Error).message)).toMatch(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('importPrivateKey for every key type', () => {
  const pem = (key: KeyObject, type: 'pkcs8' | 'sec1' = 'pkcs8') => key.export({ type, format: 'pem' }) as string;

  it('reads P-256 keys (PKCS#8, SEC 1, JWK) as ES256 and Ed25519 keys (PKCS#8, JWK) as EdDSA, kid = thumbprint', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = generateKeyPairSync('ed25519');
    const ecKid = await calculateJwkThumbprint(ec.publicKey.export({ format: 'jwk' }) as JWK);
    const edKid = await calculateJwkThumbprint(ed.publicKey.export({ format: 'jwk' }) as JWK);
    for (const input of [pem(ec.privateKey), pem(ec.privateKey, 'sec1'), ec.privateKey.export({ format: 'jwk' })]) {
      expect(await importPrivateKey(input as string)).toMatchObject({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: ecKid,
      });
    }
    for (const input of [pem(ed.privateKey), JSON.stringify(ed.privateKey.export({ format: 'jwk' }))]) {
      expect(await importPrivateKey(input)).toMatchObject({
        kty: 'OKP',
        crv: 'Ed25519',
        alg: 'EdDSA',
        use: 'sig',
        kid: edKid,
      });
    }
  });

  it('binds an RSA key to PS256 on request (option or JWK alg) and refuses a key that does not fit the algorithm', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await importPrivateKey(pem(rsa.privateKey), { alg: 'PS256' })).toMatchObject({ kty: 'RSA', alg: 'PS256' });
    const jwk = { ...rsa.privateKey.export({ format: 'jwk' }), alg: 'PS256' } as JWK;
    expect(await importPrivateKey(jwk)).toMatchObject({ alg: 'PS256' });
    await expect(importPrivateKey(jwk, { alg: 'RS256' })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    await expect(importPrivateKey(pem(rsa.privateKey), { alg: 'ES256' })).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(importPrivateKey(pem(ec.privateKey), { alg: 'EdDSA' })).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    await expect(importPrivateKey(pem(ec.privateKey), { alg: 'HS256' as SigningAlgorithm })).rejects.toThrow(
      /option `alg` must be one of/,
    );
  });

  it.each([
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['secp256k1', () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey],
    ['Ed448', () => generateKeyPairSync('ed448').privateKey],
    ['X25519', () => generateKeyPairSync('x25519').privateKey],
  ])('refuses a %s key (ERR_INVALID_KEY)', async (_, key) => {
    await expect(importPrivateKey(pem(key()))).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });

  it('a key ring over an empty store signs with a brought ES256 key and generates ES256 next keys from it', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const initialKey = await importPrivateKey(pem(ec.privateKey));
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), initialKey, algorithm: 'ES256' });
    expect(ring.signingKey()).toMatchObject({ kid: initialKey.kid, alg: 'ES256', signatureBytes: 64 });
    await verifyWith(ring.publicJwks(), (await signerOf(ring).sign({ sub: 'u' })).token, 'ES256');
  });
});
