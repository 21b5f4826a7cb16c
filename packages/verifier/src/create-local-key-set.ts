import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { AccessTokenAlgorithm } from './access-token-verifier-options.js';
import type { KeySet } from './key-set.js';

/** A JWK Set: `{ keys: [...] }`. */
export type JwkSet = Readonly<{ keys: readonly JWK[] }>;

/** Options of {@link createLocalKeySet}. */
export type LocalKeySetOptions = Readonly<{
  /** Algorithms the keys serve: a key whose `alg` is not listed is refused. @default ['RS256'] */
  algorithms?: readonly AccessTokenAlgorithm[];
}>;

/** A {@link KeySet} over a JWKS held in memory (configuration, tests, an issuer in the same process). */
export interface LocalKeySet extends KeySet {
  /** Kids served. */
  readonly kids: readonly string[];
  /** Replaces the keys (validated as a whole first); kids that left, or whose key changed, are reported to `onKeyRemoved` listeners. */
  replaceKeys(jwks: JwkSet): void;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];
const MIN_MODULUS_BITS = 2048;
const MAX_KID_LENGTH = 256;

/**
 * Creates a {@link LocalKeySet} from a JWK Set: public RSA signing keys only (a set carrying a
 * private member is refused as a whole), unique non-empty kids, ≥ 2048-bit moduli, `alg` (when
 * present) among `algorithms`. Keys are imported once, here. Invalid input throws a TypeError
 * naming the offending member.
 */
export function createLocalKeySet(jwks: JwkSet, options: LocalKeySetOptions = {}): LocalKeySet {
  const algorithms = options.algorithms ?? ['RS256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0)
    throw new TypeError('option `algorithms` must be a non-empty array');
  let keys = importAll(jwks, algorithms, new Map());
  const listeners = new Set<(kid: string) => void>();
  return {
    get kids() {
      return [...keys.keys()];
    },
    getKey: (kid) => keys.get(kid)?.key,
    resolveKey: async (kid) => keys.get(kid)?.key,
    onKeyRemoved(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    replaceKeys(next) {
      const previous = keys;
      keys = importAll(next, algorithms, previous);
      for (const [kid, entry] of previous) {
        if (keys.get(kid) !== entry) for (const listener of listeners) listener(kid);
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
  algorithms: readonly string[],
  previous: ReadonlyMap<string, Imported>,
): Map<string, Imported> {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys))
    throw new TypeError('`jwks` must be a JWK Set: { keys: [...] }');
  const keys = new Map<string, Imported>();
  jwks.keys.forEach((member: JWK, index) => {
    const jwk = member as Record<string, unknown> & JWK;
    const where = `jwks.keys[${index}]`;
    if (typeof jwk !== 'object' || jwk === null) throw new TypeError(`\`${where}\` must be a JWK object`);
    for (const member of PRIVATE_MEMBERS)
      if (jwk[member] !== undefined)
        throw new TypeError(`\`${where}.${member}\` is a private member: a JWKS must hold public keys only`);
    if (jwk.kty !== 'RSA') throw new TypeError(`\`${where}.kty\` must be "RSA"`);
    if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > MAX_KID_LENGTH)
      throw new TypeError(`\`${where}.kid\` must be a string of 1 to ${MAX_KID_LENGTH} characters`);
    if (keys.has(jwk.kid)) throw new TypeError(`\`${where}.kid\` repeats a kid`);
    if (jwk.use !== undefined && jwk.use !== 'sig') throw new TypeError(`\`${where}.use\` must be "sig" when present`);
    if (jwk.alg !== undefined && !algorithms.includes(jwk.alg))
      throw new TypeError(`\`${where}.alg\` must be one of ${algorithms.join(', ')} when present`);
    if (jwk.key_ops !== undefined && (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify')))
      throw new TypeError(`\`${where}.key_ops\` must include "verify" when present`);
    if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string')
      throw new TypeError(`\`${where}\` must carry the RSA members n and e`);
    const fingerprint = `${jwk.n}.${jwk.e}`;
    const known = previous.get(jwk.kid);
    if (known !== undefined && known.fingerprint === fingerprint) {
      keys.set(jwk.kid, known);
      return;
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    } catch (cause) {
      throw new TypeError(`\`${where}\` is not a valid RSA public key`, { cause });
    }
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_MODULUS_BITS)
      throw new TypeError(`\`${where}.n\` must be a modulus of at least ${MIN_MODULUS_BITS} bits`);
    keys.set(jwk.kid, { fingerprint, key });
  });
  return keys;
}
