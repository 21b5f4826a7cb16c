import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import request from 'supertest';
import {
  createAccessTokenSigner,
  createExternalKeyRing,
  createLocalSigner,
  createRemoteSigner,
  jwksHandler,
  type RemoteSigner,
  type SigningAlgorithm,
} from '../src/index.js';

const ISSUER = 'https://auth.example.com';
const PATH = '/.well-known/jwks.json';
const TIMES = { maxJwksCacheAgeMs: 300_000, maxTokenLifetimeSeconds: 900 };

const publicJwkOf = async (publicKey: KeyObject) => (await exportJWK(publicKey)) as Record<string, unknown>;

/** A remote signer over a private key only its `sign` closure holds; `down()` makes that side refuse. */
async function remoteSignerFor(alg: SigningAlgorithm, pair: { privateKey: KeyObject; publicKey: KeyObject }) {
  const local = createLocalSigner(pair.privateKey, 'remote', alg);
  let up = true;
  const signer = await createRemoteSigner({
    publicJwk: await publicJwkOf(pair.publicKey),
    alg,
    sign: (data) => (up ? local.sign(data) : Promise.reject(new Error('connect ECONNREFUSED'))),
  });
  return { signer, down: () => (up = false) };
}

describe('createExternalKeyRing', () => {
  let signer: RemoteSigner;
  const next = generateKeyPairSync('ed25519');
  const retired = generateKeyPairSync('rsa', { modulusLength: 2048 });
  beforeAll(async () => {
    ({ signer } = await remoteSignerFor('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })));
  });

  it('publishes next, active and retired public keys and signs tokens that verify against its JWKS over HTTP', async () => {
    const ring = await createExternalKeyRing({
      signer,
      nextKey: await publicJwkOf(next.publicKey),
      retiredKeys: [await publicJwkOf(retired.publicKey)],
      ...TIMES,
    });
    expect(ring.keys().map(({ alg, state }) => [alg, state])).toEqual([
      ['EdDSA', 'next'],
      ['ES256', 'active'],
      ['RS256', 'retired'],
    ]);
    const server = express().get(PATH, jwksHandler(ring)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await request(server).get(PATH).expect(200);
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      const body = JSON.parse(res.text) as { keys: Record<string, unknown>[] };
      expect(body.keys.map((key) => key.kid)).toEqual(ring.keys().map((key) => key.kid));
      for (const key of body.keys) expect(key).not.toHaveProperty('d');
      const { token, kid } = await createAccessTokenSigner({
        issuer: ISSUER,
        keyRing: ring,
        defaultAudience: 'orders',
      }).sign({
        sub: 'alice',
      });
      expect(kid).toBe(signer.kid);
      const { port } = server.address() as AddressInfo;
      const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}${PATH}`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: ISSUER,
        audience: 'orders',
        algorithms: ['ES256'],
      });
      expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: signer.kid });
      expect(payload.sub).toBe('alice');
    } finally {
      server.close();
    }
  });

  it('refuses to manage keys it does not hold: rotate, addKey, prepareNextKey, removeKey reject with ERR_KEYS_MANAGED_EXTERNALLY', async () => {
    const ring = await createExternalKeyRing({ signer, ...TIMES });
    for (const call of [
      () => ring.rotate({ force: true }),
      () => ring.addKey({} as never),
      () => ring.prepareNextKey('EdDSA'),
      () => ring.removeKey(signer.kid),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'ERR_KEYS_MANAGED_EXTERNALLY' });
    expect(ring.keys().map((key) => key.state)).toEqual(['active']);
    expect(ring.health().fresh).toBe(true);
  });

  it('refuses bad options: a signer that is not remote, a key given twice, private members, missing durations', async () => {
    const pair = generateKeyPairSync('ed25519');
    const local = createLocalSigner(pair.privateKey, 'k', 'EdDSA');
    await expect(createExternalKeyRing({ signer: local as never, ...TIMES })).rejects.toThrow(
      'option `signer` must come from createRemoteSigner()',
    );
    await expect(createExternalKeyRing({ signer, nextKey: { ...signer.publicJwk }, ...TIMES })).rejects.toThrow(
      'must be different keys',
    );
    await expect(
      createExternalKeyRing({ signer, retiredKeys: [(await exportJWK(pair.privateKey)) as never], ...TIMES }),
    ).rejects.toThrow('option `retiredKeys[0]` must be a public JWK');
    await expect(createExternalKeyRing({ signer, maxJwksCacheAgeMs: 0, maxTokenLifetimeSeconds: 1 })).rejects.toThrow(
      'option `maxJwksCacheAgeMs`',
    );
  });

  it('a signer that goes down makes sign() fail with ERR_SIGNER_UNAVAILABLE: no token, no other key', async () => {
    const own = await remoteSignerFor('EdDSA', generateKeyPairSync('ed25519'));
    const ring = await createExternalKeyRing({ signer: own.signer, ...TIMES });
    const tokens = createAccessTokenSigner({ issuer: ISSUER, keyRing: ring, defaultAudience: 'orders' });
    await tokens.sign({ sub: 'alice' });
    own.down();
    await expect(tokens.sign({ sub: 'alice' })).rejects.toMatchObject({
      name: 'IssuerError',
      code: 'ERR_SIGNER_UNAVAILABLE',
    });
    expect(ring.signingKey()).toBe(own.signer);
  });
});
