import { createPrivateKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createTestKeyPair } from '@jwks-kit/test-kit';
import { createKeyRing, createMemoryKeyStore, importPrivateKey } from '../src/index.js';

const ringOptions = { maxJwksCacheAgeMs: 600_000, maxTokenLifetimeSeconds: 3600 };

describe('importPrivateKey', () => {
  it('reads PKCS#8 PEM, PKCS#1 PEM, a JWK object and a JWK string into the same key with its thumbprint as kid', async () => {
    const pair = await createTestKeyPair();
    const privateKey = createPrivateKey({ key: pair.privateJwk as JsonWebKey, format: 'jwk' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const imported = await Promise.all([
      importPrivateKey(pkcs8),
      importPrivateKey(pkcs1),
      importPrivateKey(pair.privateJwk),
      importPrivateKey(JSON.stringify(pair.privateJwk)),
    ]);
    for (const key of imported) {
      expect(key).toEqual(imported[0]);
      expect(key).toMatchObject({ kty: 'RSA', kid: pair.kid, alg: 'RS256', use: 'sig', n: pair.publicJwk.n });
    }
  });

  it('a key ring over an empty store signs with the brought key; addKey() publishes one as next', async () => {
    const [mine, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
    const ring = await createKeyRing({
      ...ringOptions,
      store: createMemoryKeyStore(),
      initialKey: await importPrivateKey(mine.privateJwk),
    });
    expect(ring.signingKey().kid).toBe(mine.kid);
    await ring.addKey(await importPrivateKey(other.privateJwk));
    expect(ring.keys().find((k) => k.state === 'next')?.kid).toBe(other.kid);
    expect(ring.keys()).toHaveLength(2);
    await expect(ring.addKey(await importPrivateKey(other.privateJwk))).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
  });

  it('refuses RSA keys under 2048 bits with ERR_KEY_TOO_SMALL', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(importPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).rejects.toMatchObject(
      { name: 'IssuerError', code: 'ERR_KEY_TOO_SMALL' },
    );
  });

  it.each([
    [
      'a P-384 EC key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
    ],
    [
      'an RSA-PSS key',
      () =>
        generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
    ],
    [
      'a public key',
      () =>
        generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string,
    ],
    [
      'an encrypted key',
      () =>
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'x',
        }) as string,
    ],
    ['a public JWK', () => ({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })],
    ['garbage', () => 'not a key'],
  ])('refuses %s with ERR_INVALID_KEY', async (_what, make) => {
    await expect(importPrivateKey(make())).rejects.toMatchObject({ name: 'IssuerError', code: 'ERR_INVALID_KEY' });
  });
});
