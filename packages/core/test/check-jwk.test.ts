import { createJwkVectors, type JwkVectors } from '@jwks-kit/test-kit';
import { KeyObject } from 'node:crypto';
import {
  checkJwk,
  checkJwkSet,
  importJwk,
  isJwkRefusal,
  jwkAlgorithm,
  parseAlgorithmsOption,
  type JwsAlgorithm,
} from '../src/index.js';

let vectors: JwkVectors;

beforeAll(async () => {
  vectors = await createJwkVectors();
});

describe('checkJwk: the shared JWK vectors', () => {
  it('binds every accepted key to exactly its expected algorithm and refuses the others for the expected reason', () => {
    for (const vector of vectors.keys) {
      const outcome = checkJwk(vector.jwk, vector.algorithms as JwsAlgorithm[]);
      const seen = isJwkRefusal(outcome) ? { reason: outcome.reason } : { alg: outcome.alg };
      expect({ name: vector.name, ...seen }).toEqual({ name: vector.name, ...vector.expected });
    }
  });

  it('imports an accepted key from its public members only and remembers its one algorithm', () => {
    const vector = vectors.keys.find((entry) => entry.name === 'RSA with alg RS256, RS256 and PS256 pinned')!;
    const outcome = checkJwk({ ...vector.jwk, extra: 'ignored' }, ['RS256', 'PS256']);
    if (isJwkRefusal(outcome)) throw new Error(outcome.message);
    expect(Object.keys(outcome.publicJwk).sort()).toEqual(['e', 'kty', 'n']);
    const key = importJwk(outcome);
    expect(key).toBeInstanceOf(KeyObject);
    expect(key.type).toBe('public');
    expect(jwkAlgorithm(key)).toBe('RS256');
  });

  it('gives a different fingerprint to the same material under another algorithm', () => {
    const vector = vectors.keys.find((entry) => entry.name === 'RSA without use and alg, RS256 pinned')!;
    const rs = checkJwk(vector.jwk, ['RS256']);
    const ps = checkJwk(vector.jwk, ['PS256']);
    expect(!isJwkRefusal(rs) && !isJwkRefusal(ps) && rs.fingerprint !== ps.fingerprint).toBe(true);
  });
});

describe('checkJwkSet: the shared set vectors', () => {
  it('reports the expected set-wide problem for every set vector', () => {
    for (const vector of vectors.sets) {
      const codes = checkJwkSet({ keys: vector.keys }, { algorithms: ['RS256'] }).problems.map(({ code }) => code);
      expect({ name: vector.name, codes }).toEqual({ name: vector.name, codes: [vector.expected] });
    }
  });

  it('refuses a document without a keys array, entries that are not objects, and too many keys', () => {
    expect(checkJwkSet({ keys: {} }, { algorithms: ['RS256'] }).problems.map(({ code }) => code)).toEqual([
      'not_a_set',
    ]);
    expect(checkJwkSet([], { algorithms: ['RS256'] }).problems[0]?.code).toBe('not_a_set');
    expect(checkJwkSet({ keys: [1, null, []] }, { algorithms: ['RS256'] }).problems.map(({ index }) => index)).toEqual([
      0, 1, 2,
    ]);
    const three = { keys: [{ kid: 'a' }, { kid: 'b' }, { kid: 'c' }] };
    expect(checkJwkSet(three, { algorithms: ['RS256'], maxKeys: 2 }).problems.map(({ code }) => code)).toEqual([
      'too_many_keys',
    ]);
  });

  it('never puts key material in a problem or refusal message', () => {
    const privateSet = vectors.sets.find((entry) => entry.expected === 'private_members')!;
    const checked = checkJwkSet({ keys: privateSet.keys }, { algorithms: ['RS256'] });
    const text = JSON.stringify(checked.problems);
    for (const jwk of privateSet.keys)
      for (const member of ['d', 'p', 'k'])
        if (typeof jwk[member] === 'string') expect(text).not.toContain(jwk[member]);
  });
});

describe('parseAlgorithmsOption', () => {
  it.each([[[]], [['none']], [['rs256']], [['HS256 ']], ['RS256'], [undefined], [['__proto__']]])(
    'refuses %j with a TypeError naming the option',
    (value) => {
      expect(() => parseAlgorithmsOption(value)).toThrow(TypeError);
      expect(() => parseAlgorithmsOption(value)).toThrow(/^option `algorithms` must be a non-empty array/);
    },
  );

  it('keeps the listed algorithms once each', () => {
    expect(parseAlgorithmsOption(['PS256', 'RS256', 'PS256'])).toEqual(['PS256', 'RS256']);
  });
});
