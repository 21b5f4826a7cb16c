import { generateKeyPairSync } from 'node:crypto';
import {
  BUILT_IN_NAMES,
  createJwkVectors,
  createTestKeyPair,
  type JwkVectors,
  type TestKeyPair,
} from '@jwks-kit/test-kit';
import type { JWK } from 'jose';
import { createLocalKeySet, type AccessTokenAlgorithm } from '../src/index.js';
import { expectBoundAlgorithmOnly } from './lib/expect-bound-algorithm.js';

let a: TestKeyPair;
let b: TestKeyPair;

let vectors: JwkVectors;

beforeAll(async () => {
  [a, b, vectors] = await Promise.all([createTestKeyPair(), createTestKeyPair(), createJwkVectors()]);
});

describe('createLocalKeySet: the shared JWK vectors', () => {
  it('accepts exactly the accepted vectors and names the refused member', () => {
    for (const vector of vectors.keys) {
      const make = () =>
        createLocalKeySet({ keys: [vector.jwk] }, { algorithms: vector.algorithms as AccessTokenAlgorithm[] });
      if ('alg' in vector.expected)
        expect({ name: vector.name, kids: make().kids }).toEqual({ name: vector.name, kids: [vector.jwk.kid] });
      else expect(make).toThrow(TypeError);
    }
  });

  it('refuses every set vector as a whole', () => {
    for (const vector of vectors.sets)
      expect(() => createLocalKeySet({ keys: vector.keys })).toThrow(/private member|repeats a kid/);
  });

  it('verifies a token under the bound algorithm only, with every pinned algorithm offered (RFC 8725 §3.1)', async () => {
    await expectBoundAlgorithmOnly(vectors, async (vector) =>
      createLocalKeySet({ keys: [vector.jwk] }, { algorithms: vector.algorithms as AccessTokenAlgorithm[] }),
    );
  });
});

describe('createLocalKeySet', () => {
  it('serves each key by kid', async () => {
    const keys = createLocalKeySet({ keys: [a.publicJwk, b.publicJwk] });
    expect(keys.kids).toEqual([a.kid, b.kid]);
    expect(keys.getKey(a.kid)).toBeDefined();
    expect(keys.getKey('nope')).toBeUndefined();
    await expect(keys.resolveKey(b.kid)).resolves.toBe(keys.getKey(b.kid));
  });

  it.each(BUILT_IN_NAMES)('answers no key for the built-in name %s as kid', async (name) => {
    const keys = createLocalKeySet({ keys: [a.publicJwk] });
    expect(keys.getKey(name)).toBeUndefined();
    await expect(keys.resolveKey(name)).resolves.toBeUndefined();
  });

  it('refuses a set carrying a private member, as a whole', () => {
    expect(() => createLocalKeySet({ keys: [a.publicJwk, a.privateJwk] })).toThrow(
      /`jwks\.keys\[1\]\.d` is a private member/,
    );
    expect(() => createLocalKeySet({ keys: [{ ...a.publicJwk, k: 'c2VjcmV0' }] })).toThrow(/`jwks\.keys\[0\]\.k`/);
  });

  it.each([
    [{ kty: 'oct', kid: 'x', k: undefined }, /kty/],
    [{ kid: undefined }, /kid/],
    [{ kid: '' }, /kid/],
    [{ use: 'enc' }, /use/],
    [{ alg: 'RS512' }, /alg/],
    [{ alg: 'HS256' }, /alg/],
    [{ key_ops: ['sign'] }, /key_ops/],
    [{ n: undefined }, /`jwks\.keys\[0\]\.n`/],
    [{ n: 'AQAB' }, /modulus|valid/],
  ])('refuses a key with %j', (override, message) => {
    expect(() => createLocalKeySet({ keys: [{ ...a.publicJwk, ...override } as JWK] })).toThrow(message);
  });

  it('refuses repeated kids, short moduli and a non-set', () => {
    expect(() => createLocalKeySet({ keys: [a.publicJwk, { ...b.publicJwk, kid: a.kid }] })).toThrow(/repeats a kid/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(() => createLocalKeySet({ keys: [{ ...small, kid: 'small' }] })).toThrow(
      /modulus of 2048 to 16384 bits \(this one has 1024\)/,
    );
    expect(() => createLocalKeySet({} as { keys: JWK[] })).toThrow(/JWK Set/);
  });

  it('replaceKeys reports kids that left or changed, and keeps unchanged keys', () => {
    const keys = createLocalKeySet({ keys: [a.publicJwk, b.publicJwk] });
    const removed: string[] = [];
    const unsubscribe = keys.on('keyRemoved', (kid) => removed.push(kid));
    const keptKey = keys.getKey(a.kid);
    keys.replaceKeys({ keys: [a.publicJwk, { ...a.publicJwk, kid: 'renamed' }] });
    expect(removed).toEqual([b.kid]);
    expect(keys.getKey(a.kid)).toBe(keptKey);
    keys.replaceKeys({ keys: [{ ...b.publicJwk, kid: a.kid }] });
    expect(removed).toEqual([b.kid, a.kid, 'renamed']);
    unsubscribe();
    keys.replaceKeys({ keys: [] });
    expect(removed).toHaveLength(3);
    expect(() => keys.replaceKeys({ keys: [a.privateJwk] })).toThrow(TypeError);
  });
});
