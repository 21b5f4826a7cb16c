import { checkJwkSet, isJwkRefusal, type CheckedJwk, type JwkRefusalReason, type JwsAlgorithm } from '@jwks-kit/core';
import { KeySetError, type KeySetErrorCode } from '../key-set-error.js';
import { jwksJson } from './jwks-fetch.js';

/** Why a key of an otherwise valid set was left out (see `JwkRefusalReason` of `@jwks-kit/core`). */
export type SkippedKeyReason = JwkRefusalReason;

/** A key left out of a fetched set, and why. */
export interface SkippedKey {
  readonly kid: string | undefined;
  readonly reason: SkippedKeyReason;
}

/** Limits applied by {@link jwksParse}. */
export interface JwksParseOptions {
  readonly algorithms: readonly JwsAlgorithm[];
  readonly maxKeys: number;
}

const SET_ERRORS = {
  not_a_set: ['ERR_JWKS_INVALID', 'the JWKS response has no "keys" array'],
  not_an_object: ['ERR_JWKS_INVALID', 'a JWKS entry is not a JSON object'],
  private_members: ['ERR_JWKS_PRIVATE_KEY', 'the JWKS contains private key material; the whole set is refused'],
  too_many_keys: ['ERR_JWKS_TOO_MANY_KEYS', 'the JWKS holds more keys than maxKeys'],
  duplicate_kid: ['ERR_JWKS_DUPLICATE_KID', 'two keys of the JWKS share a kid; the whole set is refused'],
} as const satisfies Record<string, readonly [KeySetErrorCode, string]>;

/**
 * Parses a JWK Set body and checks it with `checkJwkSet` of `@jwks-kit/core`. The whole set is refused
 * (KeySetError) when it is not UTF-8 JSON (the message names the content type) or on any set-wide problem (no `keys` array, an entry that is
 * not an object, private members, more than `maxKeys` keys, a repeated kid). Within a valid set, keys
 * refused by the JWK check are skipped and reported.
 */
export function jwksParse(
  url: URL,
  answer: { readonly headers: Headers; readonly body: Uint8Array },
  options: JwksParseOptions,
): { accepted: readonly CheckedJwk[]; skipped: SkippedKey[] } {
  const document = jwksJson(url, answer);
  const checked = checkJwkSet(document, options);
  const problem = checked.problems[0];
  if (problem !== undefined) {
    const [code, message] = SET_ERRORS[problem.code];
    throw new KeySetError(code, problem.code === 'too_many_keys' ? `${message} (${options.maxKeys})` : message);
  }
  const skipped = checked.entries.flatMap(({ kid, outcome }) =>
    isJwkRefusal(outcome) ? [{ kid, reason: outcome.reason }] : [],
  );
  return { accepted: checked.accepted, skipped };
}
