import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, flattenedVerify, importJWK, type JWK } from 'jose';
import { createLocalSigner, createRemoteSigner, type SigningAlgorithm } from '../src/index.js';
import { KEY_PAIRS } from './fixtures/key-pairs.js';

const pairs = KEY_PAIRS;
const ALGS = Object.keys(pairs) as SigningAlgorithm[];

/** The "remote side" of these tests: a real signer over a private key the RemoteSigner never sees. */
const remoteSide = (privateKey: KeyObject, alg: SigningAlgorithm) => {
  const local = createLocalSigner(privateKey, 'remote', alg);
  const calls: Uint8Array[] = [];
  return { calls, sign: async (data: Uint8Array) => (calls.push(data), local.sign(data)) };
};

const publicJwkOf = async (publicKey: KeyObject) => (await exportJWK(publicKey)) as Record<string, unknown>;

describe('createRemoteSigner', () => {
  it.each(ALGS)(
    '%s: kid is the RFC 7638 thumbprint, the signature verifies with jose, and the probe signed once',
    async (alg) => {
      const { privateKey, publicKey } = pairs[alg]();
      const remote = remoteSide(privateKey, alg);
      const signer = await createRemoteSigner({ publicJwk: await publicJwkOf(publicKey), alg, sign: remote.sign });
      expect(remote.calls).toHaveLength(1); // the probe
      expect(signer.kid).toBe(await calculateJwkThumbprint((await exportJWK(publicKey)) as JWK));
      expect(signer.alg).toBe(alg);
      expect(signer.publicJwk).toEqual({ ...(await exportJWK(publicKey)), kid: signer.kid, alg, use: 'sig' });
      const protectedB64 = Buffer.from(JSON.stringify({ alg, kid: signer.kid })).toString('base64url');
      const payloadB64 = Buffer.from('{"sub":"alice"}').toString('base64url');
      const signature = await signer.sign(Buffer.from(`${protectedB64}.${payloadB64}`));
      expect(signature.length).toBe(signer.signatureBytes);
      const verified = await flattenedVerify(
        { protected: protectedB64, payload: payloadB64, signature: Buffer.from(signature).toString('base64url') },
        await importJWK(signer.publicJwk as JWK, alg),
      );
      expect(new TextDecoder().decode(verified.payload)).toBe('{"sub":"alice"}');
    },
  );

  it('takes the algorithm from the JWK, else from the key type', async () => {
    const ec = pairs.ES256();
    const rsa = pairs.PS256();
    const es = await createRemoteSigner({
      publicJwk: await publicJwkOf(ec.publicKey),
      sign: remoteSide(ec.privateKey, 'ES256').sign,
    });
    expect(es.alg).toBe('ES256');
    const ps = await createRemoteSigner({
      publicJwk: { ...(await publicJwkOf(rsa.publicKey)), alg: 'PS256' },
      sign: remoteSide(rsa.privateKey, 'PS256').sign,
    });
    expect(ps.alg).toBe('PS256');
  });

  it('refuses a JWK with private members, naming the option, before any remote call', async () => {
    const { privateKey } = pairs.ES256();
    const remote = remoteSide(privateKey, 'ES256');
    const privateJwk = (await exportJWK(privateKey)) as Record<string, unknown>;
    await expect(createRemoteSigner({ publicJwk: privateJwk, sign: remote.sign })).rejects.toThrow(
      new TypeError(
        'option `publicJwk` must be a public JWK: it has the private member `d` (the private key stays with its signer)',
      ),
    );
    expect(remote.calls).toHaveLength(0);
  });

  it.each([
    [
      'a key of another type than alg',
      async () => ({ jwk: await publicJwkOf(pairs.EdDSA().publicKey), alg: 'ES256' as const }),
      'ERR_INVALID_KEY',
    ],
    [
      'a JWK bound to another alg',
      async () => ({ jwk: { ...(await publicJwkOf(pairs.RS256().publicKey)), alg: 'RS256' }, alg: 'PS256' as const }),
      'ERR_INVALID_KEY',
    ],
    [
      'a P-384 key',
      async () => ({
        jwk: await publicJwkOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey),
        alg: undefined,
      }),
      'ERR_INVALID_KEY',
    ],
    [
      'RSA under 2048 bits',
      async () => ({
        jwk: await publicJwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey),
        alg: undefined,
      }),
      'ERR_KEY_TOO_SMALL',
    ],
    [
      'a kid that is not the thumbprint',
      async () => ({ jwk: { ...(await publicJwkOf(pairs.EdDSA().publicKey)), kid: 'key-1' }, alg: undefined }),
      'ERR_INVALID_KEY',
    ],
    [
      'members that make no key',
      async () => ({ jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }, alg: undefined }),
      'ERR_INVALID_KEY',
    ],
  ])('refuses %s', async (_name, input, code) => {
    const { jwk, alg } = await input();
    await expect(
      createRemoteSigner({ publicJwk: jwk, alg, sign: () => Promise.reject(new Error('not called')) }),
    ).rejects.toMatchObject({ code });
  });

  it('refuses bad options with a TypeError naming the option', async () => {
    const publicJwk = await publicJwkOf(pairs.EdDSA().publicKey);
    const sign = () => Promise.resolve(new Uint8Array(64));
    await expect(createRemoteSigner({ publicJwk } as never)).rejects.toThrow('option `sign` must be a function');
    await expect(createRemoteSigner({ publicJwk, sign, timeoutMs: 0 })).rejects.toThrow('option `timeoutMs`');
    await expect(createRemoteSigner({ publicJwk, sign, alg: 'HS256' as never })).rejects.toThrow('option `alg`');
    await expect(createRemoteSigner({ publicJwk: 'jwk' as never, sign })).rejects.toThrow('option `publicJwk`');
  });

  it('a signer holding another key than publicJwk is refused at start (ERR_SIGNATURE_INVALID)', async () => {
    const published = pairs.ES256();
    const other = pairs.ES256();
    await expect(
      createRemoteSigner({
        publicJwk: await publicJwkOf(published.publicKey),
        sign: remoteSide(other.privateKey, 'ES256').sign,
      }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID', message: expect.stringContaining('does not verify') });
  });

  it('ES256: a DER signature (what KMS services return) is refused with the hint to convert it to r ‖ s', async () => {
    const { privateKey, publicKey } = pairs.ES256();
    const der = async (data: Uint8Array) => sign('sha256', data, privateKey); // DER, node's default encoding
    await expect(createRemoteSigner({ publicJwk: await publicJwkOf(publicKey), sign: der })).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
      message: expect.stringContaining('DER-encoded; ES256 needs raw r ‖ s'),
    });
  });

  it('RS256 vs PS256: a PKCS#1 v1.5 signature where PSS is published does not pass', async () => {
    const { privateKey, publicKey } = pairs.PS256();
    await expect(
      createRemoteSigner({
        publicJwk: await publicJwkOf(publicKey),
        alg: 'PS256',
        sign: remoteSide(privateKey, 'RS256').sign,
      }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  });

  it('a failing remote call is ERR_SIGNER_UNAVAILABLE with the failure as cause, at start and later', async () => {
    const { privateKey, publicKey } = pairs.EdDSA();
    const publicJwk = await publicJwkOf(publicKey);
    const down = new Error('connect ECONNREFUSED 127.0.0.1:1');
    await expect(createRemoteSigner({ publicJwk, sign: () => Promise.reject(down) })).rejects.toMatchObject({
      code: 'ERR_SIGNER_UNAVAILABLE',
      cause: down,
    });
    let up = true;
    const remote = remoteSide(privateKey, 'EdDSA');
    const signer = await createRemoteSigner({
      publicJwk,
      sign: (data) => (up ? remote.sign(data) : Promise.reject(down)),
    });
    up = false;
    await expect(signer.sign(Buffer.from('a.b'))).rejects.toMatchObject({
      code: 'ERR_SIGNER_UNAVAILABLE',
      cause: down,
    });
    up = true;
    expect((await signer.sign(Buffer.from('a.b'))).length).toBe(64);
  });

  it('real time: a signer that does not answer within timeoutMs is ERR_SIGNER_UNAVAILABLE and its signal is aborted', async () => {
    const { publicKey } = pairs.EdDSA();
    let seen: AbortSignal | undefined;
    const startedAt = Date.now();
    await expect(
      createRemoteSigner({
        publicJwk: await publicJwkOf(publicKey),
        timeoutMs: 100,
        sign: (_data, { signal }) => {
          seen = signal;
          return new Promise<Uint8Array>(() => undefined);
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNER_UNAVAILABLE', message: expect.stringContaining('within 100 ms') });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    expect(seen?.aborted).toBe(true);
  });

  it('passes kid and alg to the remote call, and makes none at start with probe: false', async () => {
    const { privateKey, publicKey } = pairs.ES256();
    const requests: unknown[] = [];
    const local = createLocalSigner(privateKey, 'remote', 'ES256');
    const signer = await createRemoteSigner({
      publicJwk: await publicJwkOf(publicKey),
      probe: false,
      sign: (data, { kid, alg }) => (requests.push({ kid, alg }), local.sign(data)),
    });
    expect(requests).toEqual([]);
    const input = Buffer.from('x.y');
    await signer.sign(input);
    expect(requests).toEqual([{ kid: signer.kid, alg: 'ES256' }]);
  });
});
