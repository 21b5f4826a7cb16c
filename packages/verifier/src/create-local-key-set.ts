import type { KeyObject } from 'node:crypto';
import {
  checkJwkSet,
  createEventListeners,
  importJwk,
  isJwkRefusal,
  DEFAULT_JWS_ALGORITHMS,
  parseAlgorithmsOption,
  type JwsAlgorithm,
} from '@jwks-kit/core';
import type { AccessTokenAlgorithm } from './access-token-verifier-options.js';
import type { KeySet } from './key-set.js';

/** A JWK as found in a JWK Set (public members; anything else is checked and refused or ignored). */
export type Jwk = Readonly<Record<string, unknown>>;

/** A JWK Set: `{ keys: [...] }`. */
export type JwkSet = Readonly<{ keys: readonly Jwk[] }>;

/** Options of {@link createLocalKeySet}. */
export type LocalKeySetOptions = Readonly<{
  /** Pinned algorithms: each key is bound to one of them (its own `alg`, or the only pinned one of its key type). @default ['RS256'] */
  algorithms?: readonly AccessTokenAlgorithm[];
}>;

/** A {@link KeySet} over a JWKS held in memory (configuration, tests, an issuer in the same process). */
export interface LocalKeySet extends KeySet {
  /** Kids served. */
  readonly kids: readonly string[];
  /** Replaces the keys (validated as a whole first); kids that left, or whose key changed, are reported to `keyRemoved` listeners. */
  replaceKeys(jwks: JwkSet): void;
}

/**
 * Creates a {@link LocalKeySet} from a JWK Set, checked by the same JWK module as the remote key set
 * (`checkJwkSet` of `@jwks-kit/core`): public keys only (a private member anywhere refuses the set),
 * unique kids, a key type of a pinned algorithm, `use` / `key_ops` for signing, RSA moduli of 2048 to
 * 16384 bits, and each key bound to exactly one pinned algorithm. Keys are imported once, here. Any
 * refused key throws a TypeError naming the member (`jwks.keys[1].alg`).
 */
export function createLocalKeySet(jwks: JwkSet, options: LocalKeySetOptions = {}): LocalKeySet {
  const algorithms = parseAlgorithmsOption(options.algorithms ?? DEFAULT_JWS_ALGORITHMS);
  let keys = importAll(jwks, algorithms, new Map());
  const events = createEventListeners<{ keyRemoved: [kid: string] }>();
  return {
    get kids() {
      return [...keys.keys()];
    },
    getKey: (kid) => keys.get(kid)?.key,
    resolveKey: async (kid) => keys.get(kid)?.key,
    on: (event, listener) => events.on(event, listener),
    replaceKeys(next) {
      const previous = keys;
      keys = importAll(next, algorithms, previous);
      for (const [kid, entry] of previous) {
        if (keys.get(kid) !== entry) events.emit('keyRemoved', kid);
      }
    },
  };
}

interface Imported {
  readonly fingerprint: string;
  readonly key: KeyObject;
}

function importAll(
  jwks: JwkSet,
  algorithms: readonly JwsAlgorithm[],
  previous: ReadonlyMap<string, Imported>,
): Map<string, Imported> {
  const checked = checkJwkSet(jwks, { algorithms });
  const problem = checked.problems[0];
  if (problem !== undefined) {
    if (problem.code === 'not_a_set') throw new TypeError('`jwks` must be a JWK Set: { keys: [...] }');
    const where = `jwks.keys[${problem.index}]`;
    if (problem.code === 'private_members')
      throw new TypeError(
        `\`${where}.${problem.members?.[0]}\` is a private member: a JWKS must hold public keys only`,
      );
    if (problem.code === 'duplicate_kid')
      throw new TypeError(`\`${where}.kid\` repeats a kid (of jwks.keys[${problem.firstIndex}])`);
    throw new TypeError(`\`${where}\` must be a JWK object`);
  }
  const keys = new Map<string, Imported>();
  for (const { index, outcome } of checked.entries) {
    const where = `jwks.keys[${index}]`;
    if (isJwkRefusal(outcome)) throw new TypeError(`\`${where}.${outcome.member}\` ${outcome.message}`);
    const known = previous.get(outcome.kid);
    if (known !== undefined && known.fingerprint === outcome.fingerprint) {
      keys.set(outcome.kid, known);
      continue;
    }
    let key: KeyObject;
    try {
      key = importJwk(outcome);
    } catch (cause) {
      throw new TypeError(`\`${where}\` is not a valid ${outcome.kty} public key`, { cause });
    }
    keys.set(outcome.kid, { fingerprint: outcome.fingerprint, key });
  }
  return keys;
}
