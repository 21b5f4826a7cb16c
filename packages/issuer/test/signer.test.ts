import { generateKeyPairSync, verify, constants } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, jwtVerify, type JWK } from 'jose';
import {
  createAccessTokenSigner,
  createLocalSigner,
  type KeyRing,
  type Signer,
  type SigningAlgorithm,
} from '../src/index.js';
import { KEY_PAIRS } from './fixtures/key-pairs.js';

const ISSUER = 'https://auth.example.com';

const pairs = KEY_PAIRS;

/** A key ring stand-in whose active key is any Signer: what a KMS- or HSM-backed ring hands out. */
const ringOf = (signer: Signer): KeyRing =>
  ({ signingKey: () => signer, maxTokenLifetimeSeconds: 3600 }) as unknown as KeyRing;

describe('createLocalSigner', () => {
  it.each(Object.keys(pairs) as SigningAlgorithm[])(
    '%s: signs JWS bytes that node crypto.verify and jose accept, with the fixed signature length',
    async (alg) => {
      const { privateKey, publicKey } = pairs[alg]();
      const kid = await calculateJwkThumbprint((await exportJWK(publicKey)) as JWK);
      const signer = createLocalSigner(privateKey, kid, alg);
      expect(signer).toMatchObject({
        kid,
        alg,
        signatureBytes: alg.startsWith('RS') || alg.startsWith('PS') ? 256 : 64,
      });
      const data = Buffer.from('header.payload');
      const signature = await signer.sign(data);
      expect(signature.length).toBe(signer.signatureBytes);
      const verifyKey =
        alg === 'PS256'
          ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
          : alg === 'ES256'
            ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const }
            : publicKey;
      expect(verify(alg === 'EdDSA' ? null : 'sha256', data, verifyKey, signature)).toBe(true);

      const { token } = await createAccessTokenSigner({
        issuer: ISSUER,
        keyRing: ringOf(signer),
        defaultAudience: 'orders',
      }).sign({
        sub: 'user-1',
      });
      const { protectedHeader } = await jwtVerify(token, await importJWK((await exportJWK(publicKey)) as JWK, alg), {
        algorithms: [alg],
        issuer: ISSUER,
        audience: 'orders',
        typ: 'at+jwt',
      });
      expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid });
    },
  );

  it('signs off the event loop: the event loop turns while a signature is computed', async () => {
    const signer = createLocalSigner(pairs.RS256().privateKey, 'kid', 'RS256');
    const order: string[] = [];
    const signed = signer.sign(Buffer.from('x')).then(() => order.push('signed'));
    setImmediate(() => order.push('event loop'));
    await signed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order[0]).toBe('event loop');
  });

  it.each([
    ['RS256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['ES256', () => generateKeyPairSync('ed25519').privateKey],
    ['EdDSA', () => generateKeyPairSync('ed448').privateKey],
    ['PS256', () => generateKeyPairSync('ed25519').privateKey],
  ] as const)('refuses a key that cannot sign %s (ERR_INVALID_KEY)', (alg, key) => {
    expect(() => createLocalSigner(key(), 'kid', alg)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
  });

  it.each(['RS256', 'PS256'] as const)('refuses an RSA key under 2048 bits for %s (ERR_KEY_TOO_SMALL)', (alg) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => createLocalSigner(privateKey, 'kid', alg)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_TOO_SMALL' }),
    );
  });
});

describe('the access-token signer with a remote Signer (KMS / HSM)', () => {
  const local = createLocalSigner(pairs.ES256().privateKey, 'kms-key', 'ES256');
  const sign = (signer: Signer) =>
    createAccessTokenSigner({ issuer: ISSUER, keyRing: ringOf(signer), defaultAudience: 'orders' }).sign({ sub: 'u' });

  it('reports a failing signer as ERR_SIGNING_FAILED with the cause kept', async () => {
    const cause = new Error('KMS throttled');
    await expect(sign({ ...local, sign: () => Promise.reject(cause) })).rejects.toMatchObject({
      code: 'ERR_SIGNING_FAILED',
      cause,
    });
  });

  it('refuses a signature of the wrong length (e.g. a DER ECDSA signature from a KMS) as ERR_SIGNING_FAILED', async () => {
    await expect(sign({ ...local, sign: async () => new Uint8Array(71) })).rejects.toMatchObject({
      code: 'ERR_SIGNING_FAILED',
    });
  });
});
