import { once } from 'node:events';
import { createPrivateKey, generateKeyPairSync, KeyObject, type JsonWebKey } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
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

let good: TestKeyPair;
let other: TestKeyPair;
const open: { server: JwksServer; keySet: RemoteKeySet }[] = [];

beforeAll(async () => {
  [good, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
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
  const fetched = once(keySet, 'fetched');
  await keySet.ready();
  const [event] = (await fetched) as [JwksFetchedEvent];
  return { keySet, event };
}

/** Loads `keys`, expects the whole set to be refused, and returns the reported error. */
async function refused(keys: unknown[], options: Partial<RemoteKeySetOptions> = {}) {
  const { keySet } = await start(keys as JWK[], options);
  const failed = once(keySet, 'fetchFailed');
  const error = await keySet.ready().then(
    () => undefined,
    (err: unknown) => err as KeySetError,
  );
  const [reported] = (await failed) as [KeySetError];
  expect(reported).toBe(error);
  expect(keySet.kids).toEqual([]);
  return error;
}

/** The pair's private key as a KeyObject, which jose signs with under any RSA algorithm. */
function privateKeyObject(pair: TestKeyPair): KeyObject {
  return createPrivateKey({ key: pair.privateJwk as JsonWebKey, format: 'jwk' });
}

function rsaJwk(modulusLength: number, kid: string): JWK {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
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

describe('remote key set: keys skipped within a valid set', () => {
  it.each<[string, JWK, string]>([
    [
      'an EC key',
      {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'ec',
      },
      'kty',
    ],
    ['a key for encryption', { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'enc', use: 'enc' }, 'use'],
    ['a key whose key_ops lack verify', { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'ops', key_ops: ['encrypt'] }, 'use'],
    ['a key for another algorithm', { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'rs512', alg: 'RS512' }, 'alg'],
    ['an HS256 key description', { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'hs', alg: 'HS256' }, 'alg'],
    ['a key without kid', { kty: 'RSA', n: 'x', e: 'AQAB' }, 'kid'],
    ['a key with an over-long kid', { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'k'.repeat(257) }, 'kid'],
    ['a key whose n is not base64url', { kty: 'RSA', n: 'a+b/', e: 'AQAB', kid: 'bad-n' }, 'invalid'],
    ['a key without e', { kty: 'RSA', n: 'x', kid: 'no-e' }, 'invalid'],
  ])('skips %s and serves the others', async (_name, jwk, reason) => {
    const { keySet, event } = await accepted([jwk, good.publicJwk]);
    expect(event.kids).toEqual([good.kid]);
    expect(event.skipped).toEqual([{ kid: jwk.kid, reason }]);
    if (jwk.kid !== undefined) expect(keySet.getKey(jwk.kid)).toBeUndefined();
  });

  it('skips a 1024-bit key and accepts 2048-bit and larger ones', async () => {
    const weak = rsaJwk(1024, 'weak');
    const strong = rsaJwk(3072, 'strong');
    const { keySet, event } = await accepted([weak, strong, good.publicJwk]);
    expect(event.skipped).toEqual([{ kid: 'weak', reason: 'size' }]);
    expect(keySet.getKey('weak')).toBeUndefined();
    expect(keySet.getKey('strong')).toBeDefined();
  });

  it.each(['AA', 'AQ', 'Ag', 'AAEAAA', 'AQABAQABAQABAQAB'])(
    'skips a key whose exponent %s is not an odd integer of at least 3',
    async (e) => {
      const { event } = await accepted([{ kty: 'RSA', kid: 'junk', n: other.publicJwk.n!, e }, good.publicJwk]);
      expect(event.skipped).toEqual([{ kid: 'junk', reason: 'invalid' }]);
    },
  );
});

describe('remote key set: algorithms', () => {
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

  it('serves a key without alg under several pinned algorithms as a KeyObject usable with each', async () => {
    const { alg: _alg, ...noAlg } = good.publicJwk;
    const { keySet } = await accepted([noAlg], { algorithms: ['RS256', 'PS256'] });
    const key = keySet.getKey(good.kid)!;
    expect(key).toBeInstanceOf(KeyObject);
    for (const alg of ['RS256', 'PS256']) {
      const token = await new SignJWT({ sub: alg })
        .setProtectedHeader({ alg, kid: good.kid })
        .sign(privateKeyObject(good));
      await expect(jwtVerify(token, key, { algorithms: ['RS256', 'PS256'] })).resolves.toMatchObject({
        payload: { sub: alg },
      });
    }
  });

  it('accepts a key whose use and alg are absent', async () => {
    const { kty, n, e, kid } = good.publicJwk;
    expect((await accepted([{ kty, n, e, kid }])).event.kids).toEqual([good.kid]);
  });
});
