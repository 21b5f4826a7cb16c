import { KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import {
  createClock,
  BUILT_IN_NAMES,
  createJwkVectors,
  createTestKeyPair,
  nextEvent,
  type JwkVectors,
  type TestKeyPair,
} from '@jwks-kit/test-kit';
import {
  createRemoteKeySet,
  type JwksFetchedEvent,
  type RemoteKeySet,
  type RemoteKeySetOptions,
} from '../src/remote-key-set.js';
import type { KeySetError } from '../src/key-set-error.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';
import { createAccessTokenVerifier } from '../src/create-access-token-verifier.js';
import { AUDIENCE, craftToken, ISSUER, validParts } from './lib/craft-token.js';
import { expectBoundAlgorithmOnly } from './lib/expect-bound-algorithm.js';
import type { AccessTokenAlgorithm } from '../src/index.js';

let good: TestKeyPair;
let other: TestKeyPair;
let vectors: JwkVectors;
/** Public JWKs of a P-256 and an Ed25519 key (companions of the EC and OKP vectors). */
const companions: Record<'ES256' | 'EdDSA', JWK> = {} as Record<'ES256' | 'EdDSA', JWK>;
const open: { server: JwksServer; keySet: RemoteKeySet }[] = [];

beforeAll(async () => {
  [good, other, vectors] = await Promise.all([createTestKeyPair(), createTestKeyPair(), createJwkVectors()]);
  companions.ES256 = await exportJWK((await generateKeyPair('ES256')).publicKey);
  companions.EdDSA = await exportJWK((await generateKeyPair('EdDSA', { crv: 'Ed25519' })).publicKey);
});

afterEach(async () => {
  for (const { server, keySet } of open.splice(0)) {
    keySet.close();
    await server.close();
  }
});

async function start(keys: JWK[], options: Partial<RemoteKeySetOptions> = {}) {
  const server = await startJwksServer(keys);
  const keySet = createRemoteKeySet({ jwksUri: server.url, now: createClock().now, ...options });
  open.push({ server, keySet });
  return { server, keySet };
}

/** Loads `keys` and returns the `fetched` event (the set was accepted). */
async function accepted(keys: JWK[], options: Partial<RemoteKeySetOptions> = {}) {
  const { keySet } = await start(keys, options);
  const fetched = nextEvent(keySet, 'fetched');
  await keySet.ready();
  const [event] = (await fetched) as [JwksFetchedEvent];
  return { keySet, event };
}

/** Loads `keys`, expects the whole set to be refused, and returns the reported error. */
async function refused(keys: unknown[], options: Partial<RemoteKeySetOptions> = {}) {
  const { keySet } = await start(keys as JWK[], options);
  const failed = nextEvent(keySet, 'fetchFailed');
  const error = await keySet.ready().then(
    () => undefined,
    (err: unknown) => err as KeySetError,
  );
  const [reported] = (await failed) as [KeySetError];
  expect(reported).toBe(error);
  expect(keySet.kids).toEqual([]);
  return error;
}

describe('remote key set: whole sets refused', () => {
  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])(
    'refuses a set where one key carries the private member %s',
    async (member) => {
      const leaked = { ...other.publicJwk, [member]: member === 'oth' ? [] : 'AQAB' };
      expect((await refused([good.publicJwk, leaked]))?.code).toBe('ERR_JWKS_PRIVATE_KEY');
    },
  );

  it('refuses a full private JWK, and a symmetric key', async () => {
    expect((await refused([good.privateJwk]))?.code).toBe('ERR_JWKS_PRIVATE_KEY');
    expect((await refused([good.publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }]))?.code).toBe(
      'ERR_JWKS_PRIVATE_KEY',
    );
  });

  it('refuses a set in which two keys share a kid', async () => {
    expect((await refused([good.publicJwk, { ...other.publicJwk, kid: good.kid }]))?.code).toBe(
      'ERR_JWKS_DUPLICATE_KID',
    );
    expect((await refused([good.publicJwk, { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: good.kid }]))?.code).toBe(
      'ERR_JWKS_DUPLICATE_KID',
    );
  });

  it('refuses a set with more keys than maxKeys', async () => {
    const keys = Array.from({ length: 4 }, (_, i) => ({ ...good.publicJwk, kid: `k${i}` }));
    expect((await refused(keys, { maxKeys: 3 }))?.code).toBe('ERR_JWKS_TOO_MANY_KEYS');
    expect((await accepted(keys, { maxKeys: 4 })).event.kids).toHaveLength(4);
  });

  it('refuses a set in which no key is usable', async () => {
    expect((await refused([]))?.code).toBe('ERR_JWKS_INVALID');
    expect((await refused([{ ...good.publicJwk, use: 'enc' }]))?.code).toBe('ERR_JWKS_INVALID');
  });

  it.each<[string, string | Buffer]>([
    ['not JSON', '<html>'],
    ['a JSON array', '[]'],
    ['an object without keys', '{"jwks":[]}'],
    ['keys that is not an array', '{"keys":{}}'],
    ['a key that is not an object', '{"keys":[null]}'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['empty', ''],
  ])('refuses a body that is %s', async (_name, body) => {
    const server = await startJwksServer([]);
    server.handle((_req, res) => res.end(body));
    const keySet = createRemoteKeySet({ jwksUri: server.url, now: createClock().now });
    open.push({ server, keySet });
    await expect(keySet.ready()).rejects.toMatchObject({ code: 'ERR_JWKS_INVALID' });
  });
});

describe('remote key set: algorithms', () => {
  it('treats built-in names as plain kids: no key, and a token under one is refused as an unknown key', async () => {
    const clock = createClock();
    const { keySet } = await accepted([good.publicJwk]);
    const verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keySet, now: clock.now });
    const { header, claims } = validParts(good, clock);
    for (const name of BUILT_IN_NAMES) {
      expect(keySet.getKey(name)).toBeUndefined();
      await expect(keySet.resolveKey(name)).resolves.toBeUndefined();
      const token = craftToken({ ...header, kid: name }, claims, { rsa: 'RS256', key: good.privateKey });
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: 'invalid_token',
        message: 'The access token signing key is unknown',
      });
    }
  });

  it('binds a key with alg RS256 to RS256: the verifier refuses a PS256 token under its kid even with both pinned', async () => {
    const clock = createClock();
    const { keySet } = await accepted([good.publicJwk], { algorithms: ['RS256', 'PS256'] });
    expect(keySet.getKey(good.kid)).toBeInstanceOf(KeyObject);
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet,
      algorithms: ['RS256', 'PS256'],
      now: clock.now,
    });
    const { header, claims } = validParts(good, clock);
    await expect(
      verifier.verify(craftToken(header, claims, { rsa: 'RS256', key: good.privateKey })),
    ).resolves.toMatchObject({ kid: good.kid });
    const ps256 = craftToken({ ...header, alg: 'PS256' }, claims, { rsa: 'PS256', key: good.privateKey });
    await expect(verifier.verify(ps256)).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'The access token signature is invalid',
    });
  });

  it('uses the single pinned algorithm for a key without alg', async () => {
    const { privateKey, publicKey } = await generateKeyPair('PS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ps' };
    const { keySet } = await accepted([jwk], { algorithms: ['PS256'] });
    const token = await new SignJWT({ sub: 's' }).setProtectedHeader({ alg: 'PS256', kid: 'ps' }).sign(privateKey);
    await expect(jwtVerify(token, keySet.getKey('ps')!, { algorithms: ['PS256'] })).resolves.toMatchObject({
      payload: { sub: 's' },
    });
  });

  it('skips a key without alg while several pinned algorithms could use it (one key, one algorithm)', async () => {
    const { alg: _alg, ...noAlg } = good.publicJwk;
    const { event } = await accepted([noAlg, other.publicJwk], { algorithms: ['RS256', 'PS256'] });
    expect(event.skipped).toEqual([{ kid: good.kid, reason: 'alg' }]);
  });

  it('accepts a key whose use and alg are absent', async () => {
    const { kty, n, e, kid } = good.publicJwk;
    expect((await accepted([{ kty, n, e, kid }])).event.kids).toEqual([good.kid]);
  });
});

describe('remote key set: the shared JWK vectors', () => {
  it('serves exactly the accepted vectors, skipping the others for the expected reason', async () => {
    for (const vector of vectors.keys) {
      const algorithms = vector.algorithms as RemoteKeySetOptions['algorithms'];
      // A second, valid key of the first pinned algorithm's type, so that the set always holds a usable key.
      const first = algorithms![0]!;
      const companion =
        first === 'ES256' || first === 'EdDSA'
          ? { ...companions[first], kid: other.kid, alg: first }
          : { ...other.publicJwk, alg: first };
      const { keySet, event } = await accepted([vector.jwk as JWK, companion], { algorithms });
      if (!('alg' in vector.expected) && typeof vector.jwk.kid === 'string')
        expect(keySet.getKey(vector.jwk.kid)).toBeUndefined();
      expect({ name: vector.name, kids: event.kids, skipped: event.skipped }).toEqual({
        name: vector.name,
        ...('alg' in vector.expected
          ? { kids: [vector.jwk.kid, other.kid], skipped: [] }
          : {
              kids: [other.kid],
              skipped: [
                {
                  kid: typeof vector.jwk.kid === 'string' ? vector.jwk.kid : undefined,
                  reason: vector.expected.reason,
                },
              ],
            }),
      });
    }
  });

  it('refuses every set vector as a whole', async () => {
    const codes = { private_members: 'ERR_JWKS_PRIVATE_KEY', duplicate_kid: 'ERR_JWKS_DUPLICATE_KID' } as const;
    for (const vector of vectors.sets) {
      expect({ name: vector.name, code: (await refused([...vector.keys]))?.code }).toEqual({
        name: vector.name,
        code: codes[vector.expected],
      });
    }
  });

  it('verifies a token under the bound algorithm only, with every pinned algorithm offered (RFC 8725 §3.1)', async () => {
    await expectBoundAlgorithmOnly(
      vectors,
      async (vector) =>
        (await accepted([vector.jwk as JWK], { algorithms: vector.algorithms as AccessTokenAlgorithm[] })).keySet,
    );
  });
});
