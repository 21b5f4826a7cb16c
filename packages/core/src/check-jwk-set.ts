import { checkJwk, isJwkRefusal, type CheckedJwk } from './check-jwk.js';
import type { JwsAlgorithm } from './jws-algorithms.js';
import { PRIVATE_JWK_MEMBERS, type JwkRefusal } from './jwk-key-types.js';
import { ownMember } from './own-member.js';

/** Why a whole JWK Set is refused. */
export type JwkSetProblemCode =
  /** Not a JSON object with a `keys` array. */
  | 'not_a_set'
  /** An entry of `keys` is not a JSON object. */
  | 'not_an_object'
  /** An entry carries private members: the private key is published. */
  | 'private_members'
  /** More than `maxKeys` entries. */
  | 'too_many_keys'
  /** Two entries share a `kid`: a verifier cannot tell them apart. */
  | 'duplicate_kid';

/** A reason to refuse a whole set, with the entry it was found at. */
export interface JwkSetProblem {
  readonly code: JwkSetProblemCode;
  /** Index of the entry in `keys`, absent for set-wide problems. */
  readonly index?: number;
  /** `private_members`: the members found. `duplicate_kid`: the index of the first key with that kid. */
  readonly members?: readonly string[];
  readonly firstIndex?: number;
  /** A sentence without key material. */
  readonly message: string;
}

/** One JSON-object entry of the set and what {@link checkJwk} made of it. */
export interface JwkSetEntry {
  readonly index: number;
  readonly jwk: Readonly<Record<string, unknown>>;
  readonly kid: string | undefined;
  readonly outcome: CheckedJwk | JwkRefusal;
}

/** Result of {@link checkJwkSet}. */
export interface JwkSetCheck {
  /** Reasons to refuse the set as a whole, in the order found (empty when the set may be used). */
  readonly problems: readonly JwkSetProblem[];
  /** Every entry that is a JSON object, checked. */
  readonly entries: readonly JwkSetEntry[];
  /** The keys that passed, in set order. */
  readonly accepted: readonly CheckedJwk[];
}

/** Limits of {@link checkJwkSet}. */
export interface JwkSetCheckOptions {
  /** Pinned algorithms: each key is bound to exactly one of them. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Largest number of entries (of any type). @default Infinity */
  readonly maxKeys?: number;
}

/**
 * Checks a parsed JWK Set document. Set-wide problems (not a set, an entry that is not an object,
 * private members anywhere, more than `maxKeys` entries, a repeated kid) are all reported; callers
 * refuse the whole set on any of them. Each object entry is checked with {@link checkJwk}. Never throws.
 */
export function checkJwkSet(document: unknown, options: JwkSetCheckOptions): JwkSetCheck {
  const keys = isObject(document) ? ownMember(document, 'keys') : undefined;
  if (!Array.isArray(keys)) {
    return {
      problems: [{ code: 'not_a_set', message: 'not a JWK Set: expected a JSON object with a "keys" array' }],
      entries: [],
      accepted: [],
    };
  }
  const problems: JwkSetProblem[] = [];
  const entries: JwkSetEntry[] = [];
  keys.forEach((jwk: unknown, index) => {
    if (!isObject(jwk)) {
      problems.push({ code: 'not_an_object', index, message: `key #${index} is not a JSON object` });
      return;
    }
    const leaked = PRIVATE_JWK_MEMBERS.filter((member) => Object.hasOwn(jwk, member) && jwk[member] !== undefined);
    if (leaked.length > 0) {
      problems.push({
        code: 'private_members',
        index,
        members: leaked,
        message: `key #${index} carries private members (${leaked.join(', ')}): a JWKS holds public keys only`,
      });
    }
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    entries.push({ index, jwk, kid, outcome: checkJwk(jwk, options.algorithms) });
  });
  const maxKeys = options.maxKeys ?? Number.POSITIVE_INFINITY;
  if (keys.length > maxKeys) {
    problems.push({ code: 'too_many_keys', message: `the set holds ${keys.length} keys, more than ${maxKeys}` });
  }
  const firstIndexOf = new Map<string, number>();
  for (const { index, kid } of entries) {
    if (kid === undefined) continue;
    const firstIndex = firstIndexOf.get(kid);
    if (firstIndex === undefined) firstIndexOf.set(kid, index);
    else
      problems.push({
        code: 'duplicate_kid',
        index,
        firstIndex,
        message: `key #${index} repeats the kid of key #${firstIndex}: verifiers cannot tell the keys apart`,
      });
  }
  const accepted = entries.flatMap(({ outcome }) => (isJwkRefusal(outcome) ? [] : [outcome]));
  return { problems, entries, accepted };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
