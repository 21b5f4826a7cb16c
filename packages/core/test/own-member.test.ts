import { generateKeyPairSync } from 'node:crypto';
import { checkJwk, checkJwkSet, isJwkRefusal, ownMember, ownMembers } from '../src/index.js';

/** Runs `task` while `Object.prototype[name]` is `value` (a polluted process), then cleans up. */
function whilePolluted<T>(name: string, value: unknown, task: () => T): T {
  Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
  try {
    return task();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[name];
  }
}

const es256Jwk = (): Record<string, unknown> => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid: 'k1',
  alg: 'ES256',
});

describe('ownMember', () => {
  it('answers own members, and undefined for names only the prototype answers', () => {
    const parsed = JSON.parse('{"sub":"alice","constructor":"own"}') as object;
    expect(ownMember(parsed, 'sub')).toBe('alice');
    expect(ownMember(parsed, 'constructor')).toBe('own');
    expect(ownMember({}, 'constructor')).toBeUndefined();
    expect(ownMember({}, 'toString')).toBeUndefined();
    expect(ownMember({}, '__proto__')).toBeUndefined();
    expect(whilePolluted('scope', 'admin', () => ownMember({}, 'scope'))).toBeUndefined();
  });
});

describe('ownMembers', () => {
  it('copies own members onto a null prototype, an own "__proto__" member included as a plain member', () => {
    const parsed = JSON.parse('{"kty":"EC","__proto__":{"crv":"P-256"}}') as object;
    const copy = whilePolluted('crv', 'P-384', () => ownMembers(parsed));
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(copy.kty).toBe('EC');
    expect(copy.crv).toBeUndefined();
    expect(copy['__proto__']).toEqual({ crv: 'P-256' });
  });
});

describe('the JWK rule reads own members only', () => {
  it('a JWK without kid is refused although a polluted Object.prototype answers kid', () => {
    const { kid: _kid, ...jwk } = es256Jwk();
    const outcome = whilePolluted('kid', 'k1', () => checkJwk(jwk, ['ES256']));
    expect(isJwkRefusal(outcome) && outcome.reason).toBe('kid');
  });

  it('a JWK without y is refused although a polluted Object.prototype answers the right y', () => {
    const full = es256Jwk();
    const { y, ...jwk } = full;
    const outcome = whilePolluted('y', y, () => checkJwk(jwk, ['ES256']));
    expect(isJwkRefusal(outcome)).toBe(true);
    expect(isJwkRefusal(checkJwk(full, ['ES256']))).toBe(false);
  });

  it('a JWK without use is accepted although a polluted Object.prototype answers use "enc"', () => {
    const outcome = whilePolluted('use', 'enc', () => checkJwk(es256Jwk(), ['ES256']));
    expect(isJwkRefusal(outcome)).toBe(false);
  });

  it('a document without keys is no JWK Set although a polluted Object.prototype answers keys', () => {
    const check = whilePolluted('keys', [es256Jwk()], () => checkJwkSet({}, { algorithms: ['ES256'] }));
    expect(check.accepted).toEqual([]);
    expect(check.problems.map((problem) => problem.code)).toEqual(['not_a_set']);
  });
});
