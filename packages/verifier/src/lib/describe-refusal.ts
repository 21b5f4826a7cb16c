import { quoted, RefusalDetail, shownValue } from '../refusal-detail.js';
import type { ClaimsFailure } from './check-claims.js';
import { ownMember, type RegisteredClaims } from '@jwks-kit/core';
import type { ResolvedIssuer, ResolvedVerifierOptions } from './resolve-verifier-options.js';

/**
 * Builders of the {@link RefusalDetail} each refusal carries as `cause`: expected vs actual, for the operator.
 * Called on refusal only, never on the accepting path.
 */
export const describeRefusal = {
  malformed(reason: string): RefusalDetail {
    return new RefusalDetail('malformed', `the token is not a compact JWS: ${reason}`);
  },

  alg(alg: unknown, accepted: readonly string[]): RefusalDetail {
    return new RefusalDetail('alg', `alg ${quoted(alg)} is not accepted (expected one of ${list(accepted)})`, {
      expected: accepted,
      actual: shownValue(alg),
    });
  },

  typ(typ: unknown, accepted: ReadonlySet<string>): RefusalDetail {
    return new RefusalDetail('typ', `typ ${quoted(typ)} is not accepted (expected one of ${list(accepted)})`, {
      expected: [...accepted],
      actual: shownValue(typ),
    });
  },

  header(name: string, alg: string): RefusalDetail {
    return new RefusalDetail('header', `the header carries "${name}", which is never accepted`, {
      actual: name,
      alg,
    });
  },

  kid(kid: unknown, alg: string): RefusalDetail {
    return new RefusalDetail('kid', `kid ${quoted(kid)} is not a string of 1 to 256 characters`, {
      actual: shownValue(kid),
      alg,
    });
  },

  issuer(iss: unknown, trusted: Iterable<string>, kid: string, alg: string): RefusalDetail {
    const expected = [...trusted];
    const near =
      typeof iss === 'string'
        ? expected.find((candidate) => stripSlash(candidate) === stripSlash(iss) || candidate === iss.trim())
        : undefined;
    const hint = near === undefined ? '' : ` (it differs from ${quoted(near)} only by a trailing slash or spaces)`;
    return new RefusalDetail('issuer', `iss ${quoted(iss)} is not trusted (expected one of ${list(expected)})${hint}`, {
      expected,
      actual: shownValue(iss),
      kid,
      alg,
    });
  },

  key(kid: string, alg: string, issuer: ResolvedIssuer): RefusalDetail {
    const kids = (issuer.keySet as { kids?: unknown }).kids;
    const known = Array.isArray(kids) ? kids : undefined;
    const among = known === undefined ? '' : ` (the key set serves ${list(known)})`;
    return new RefusalDetail('key', `kid ${quoted(kid)} is not in the key set of ${quoted(issuer.issuer)}${among}`, {
      expected: known,
      actual: shownValue(kid),
      kid: String(shownValue(kid)),
      alg,
      iss: issuer.issuer,
    });
  },

  signature(kid: string, alg: string, issuer: string, boundAlg: string | undefined): RefusalDetail {
    const message =
      boundAlg !== undefined && boundAlg !== alg
        ? `kid ${quoted(kid)} is bound to ${boundAlg}, the token says ${quoted(alg)}`
        : `the signature does not verify under kid ${quoted(kid)} (${alg})`;
    return new RefusalDetail('signature', message, { expected: boundAlg, actual: alg, kid, alg, iss: issuer });
  },

  claims(
    failure: ClaimsFailure,
    payload: Readonly<Record<string, unknown>>,
    registered: RegisteredClaims,
    issuer: ResolvedIssuer,
    options: ResolvedVerifierOptions,
    nowMs: number,
    kid: string,
    alg: string,
  ): RefusalDetail {
    const base = { kid, alg, iss: issuer.issuer };
    const nowSeconds = nowMs / 1000;
    const leeway = options.leewaySeconds;
    // the refused token's own claims only, as checkClaims read them (never its prototype's)
    const { exp, iat, nbf } = registered as { exp: number; iat?: number; nbf?: number };
    switch (failure.check) {
      case 'audience': {
        const expected = [...issuer.audiences];
        return new RefusalDetail(
          'audience',
          `aud ${quoted(registered.aud)} names none of the accepted audiences ${list(expected)}`,
          { ...base, expected, actual: shownValue(registered.aud) },
        );
      }
      case 'exp': {
        const past = round(nowSeconds - exp - leeway);
        return new RefusalDetail('exp', `the token expired ${past} s ago (exp ${exp}, leeway ${leeway} s)`, {
          ...base,
          expected: `now < exp + ${leeway}`,
          actual: exp,
          expiredForSeconds: past,
        });
      }
      case 'max_token_age': {
        const max = options.maxTokenAgeSeconds ?? 0;
        const past = round(nowSeconds - (iat ?? 0) - max - leeway);
        return new RefusalDetail('max_token_age', `the token is older than maxTokenAgeSeconds (${max}) by ${past} s`, {
          ...base,
          expected: max,
          actual: iat,
          expiredForSeconds: past,
        });
      }
      case 'not_yet_valid': {
        const from = Math.max(nbf ?? Number.NEGATIVE_INFINITY, iat ?? Number.NEGATIVE_INFINITY);
        const wait = round(from - leeway - nowSeconds);
        return new RefusalDetail('not_yet_valid', `the token becomes valid in ${wait} s (nbf/iat ${from})`, {
          ...base,
          actual: from,
          validInSeconds: wait,
        });
      }
      case 'lifetime': {
        const lifetime = round(exp - (iat ?? nowSeconds));
        return new RefusalDetail(
          'lifetime',
          `the token lives ${lifetime} s, above maxTokenLifetimeSeconds (${options.maxTokenLifetimeSeconds})`,
          { ...base, expected: options.maxTokenLifetimeSeconds, actual: lifetime },
        );
      }
      case 'claims': {
        const claim = failure.claim ?? 'claims';
        const value = ownMember(payload, claim);
        return new RefusalDetail(
          'claims',
          value === undefined || value === null
            ? `claim "${claim}" is missing`
            : `claim "${claim}" has an invalid value ${quoted(value)}`,
          { ...base, claim, actual: shownValue(value) },
        );
      }
    }
  },

  claimsDepth(maxClaimsDepth: number, kid: string, alg: string, iss: string): RefusalDetail {
    return new RefusalDetail('claims_depth', `the claims nest deeper than maxClaimsDepth (${maxClaimsDepth})`, {
      expected: maxClaimsDepth,
      kid,
      alg,
      iss,
    });
  },

  revoked(claims: Readonly<Record<string, unknown>>, kid: string): RefusalDetail {
    return new RefusalDetail('revoked', `the denylist revoked the token (jti ${quoted(claims.jti)})`, {
      actual: shownValue(claims.jti),
      kid,
      iss: typeof claims.iss === 'string' ? claims.iss : undefined,
    });
  },
};

function list(values: Iterable<unknown>): string {
  return `[${[...values].map(quoted).join(', ')}]`;
}

function stripSlash(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
