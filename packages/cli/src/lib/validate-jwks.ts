import {
  checkJwkSet,
  isJwkRefusal,
  jwkThumbprint,
  rsaModulusBits,
  type JwkRefusalReason,
  type JwsAlgorithm,
} from '@jwks-kit/core';

/** One finding about a JWK Set: `error`s fail the health check, `warning`s are reported only. */
export interface JwksProblem {
  readonly severity: 'error' | 'warning';
  /** Index of the key in `keys`, absent for set-wide problems. */
  readonly index?: number;
  readonly kid?: string;
  readonly message: string;
}

/** What `jwks --url` shows about each key: public facts only. */
export interface JwksKeySummary {
  readonly index: number;
  readonly kid?: string;
  readonly kty?: string;
  readonly alg?: string;
  readonly use?: string;
  /** RSA modulus length, when the key has a readable `n`. */
  readonly bits?: number;
}

/** Result of {@link validateJwks}. */
export interface JwksValidation {
  readonly keys: readonly JwksKeySummary[];
  readonly problems: readonly JwksProblem[];
  /** No `error` problem. */
  readonly ok: boolean;
}

/** A key that verifiers merely ignore (another type, use or algorithm) is a warning; a broken one is an error. */
const SEVERITY: Readonly<Record<JwkRefusalReason, JwksProblem['severity']>> = {
  kid: 'error',
  invalid: 'error',
  size: 'error',
  kty: 'warning',
  use: 'warning',
  alg: 'warning',
};
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Checks a JWK Set with the verifiers' own JWK module (`checkJwkSet` of `@jwks-kit/core`) for the pinned
 * `algorithms`: public keys only, unique kids, a usable key type and size, signing use, one algorithm per
 * key; kids that are not the RFC 7638 thumbprint are reported as warnings. Every problem is reported, not
 * only the first.
 */
export async function validateJwks(
  body: unknown,
  algorithms: readonly JwsAlgorithm[] = ['RS256'],
): Promise<JwksValidation> {
  const checked = checkJwkSet(body, { algorithms });
  const problems: JwksProblem[] = [];
  const summaries: JwksKeySummary[] = [];
  const entries = Array.isArray((body as { keys?: unknown } | null)?.keys) ? (body as { keys: unknown[] }).keys : [];
  const where = (index: number): { index: number; kid?: string } => {
    const kid = text((entries[index] as { kid?: unknown } | undefined)?.kid);
    return kid === undefined ? { index } : { index, kid };
  };
  for (const problem of checked.problems) {
    if (problem.code === 'not_a_set')
      return { keys: [], problems: [{ severity: 'error', message: problem.message }], ok: false };
    const message =
      problem.code === 'private_members'
        ? `carries private members (${problem.members?.join(', ')}): the private key is published, rotate it now`
        : problem.code === 'duplicate_kid'
          ? `duplicate kid (also key #${problem.firstIndex}): verifiers cannot tell the keys apart`
          : problem.message;
    problems.push({ severity: 'error', ...(problem.index === undefined ? {} : where(problem.index)), message });
  }
  if (entries.length === 0) problems.push({ severity: 'error', message: 'the set holds no keys' });
  for (const [index] of entries.entries()) summaries.push({ index });
  for (const { index, jwk, outcome } of checked.entries) {
    const n = text(jwk.n);
    const bits = n !== undefined && BASE64URL.test(n) ? rsaModulusBits(n) : undefined;
    summaries[index] = {
      ...where(index),
      kty: text(jwk.kty),
      alg: text(jwk.alg),
      use: text(jwk.use),
      ...(bits === undefined ? {} : { bits }),
    };
    if (isJwkRefusal(outcome)) {
      const ignored =
        SEVERITY[outcome.reason] === 'warning' ? ` (ignored by verifiers pinned to ${algorithms.join(', ')})` : '';
      problems.push({
        severity: SEVERITY[outcome.reason],
        ...where(index),
        message: `\`${outcome.member}\` ${outcome.message}${ignored}`,
      });
    } else if (jwkThumbprint(outcome.publicJwk) !== outcome.kid) {
      problems.push({
        severity: 'warning',
        ...where(index),
        message: 'kid is not the RFC 7638 thumbprint of the key (jwks-kit issuers use the thumbprint)',
      });
    }
  }
  if (entries.length > 0 && checked.accepted.length === 0)
    problems.push({ severity: 'error', message: `no usable signing key for ${algorithms.join(', ')} in the set` });
  return { keys: summaries, problems, ok: !problems.some((problem) => problem.severity === 'error') };
}
