import type { DecodedToken } from './decode-token.js';
import { formatRelative, formatUtc } from './format-time.js';

/** NumericDate claims shown with UTC and relative times. */
const timeClaims = ['exp', 'nbf', 'iat', 'auth_time'] as const;

/** A time claim in three forms. */
export interface TimeClaim {
  readonly value: number;
  readonly utc: string;
  readonly relative: string;
}

/** What `inspect` tells about a decoded token, before (or without) verification. */
export interface TokenDescription {
  readonly times: Readonly<Record<string, TimeClaim>>;
  /** Problems a reader should notice: unsigned, expired, no exp, too large … */
  readonly warnings: readonly string[];
}

/** Payloads above this draw a warning: keep identity claims only. */
const payloadWarnBytes = 1024;
/** Tokens above this may not fit common 8 KB header limits. */
const tokenWarnBytes = 8 * 1024;

/** Times in UTC and relative to `nowMs`, and warnings about a decoded token. */
export function describeToken(token: DecodedToken, nowMs: number): TokenDescription {
  const { header, claims } = token;
  const times: Record<string, TimeClaim> = {};
  for (const name of timeClaims) {
    const value = claims[name];
    if (typeof value === 'number' && Number.isFinite(value)) {
      times[name] = { value, utc: formatUtc(value * 1000), relative: formatRelative(value * 1000, nowMs) };
    }
  }
  const warnings: string[] = [];
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    warnings.push('alg is "none" or missing: the token is unsigned and must be rejected');
  else if (alg !== 'RS256') warnings.push(`alg is ${alg}: jwks-kit verifiers accept RS256 only`);
  if (header.typ !== 'at+jwt')
    warnings.push(`typ is ${JSON.stringify(header.typ ?? null)}, not "at+jwt" (RFC 9068 access token)`);
  if (typeof header.kid !== 'string') warnings.push('no kid in the header: a verifier cannot pick the key');
  if (claims.exp === undefined) warnings.push('no exp claim: jwks-kit verifiers reject tokens that never expire');
  else if (typeof claims.exp !== 'number') warnings.push('exp is not a number');
  const exp = times.exp;
  if (exp && exp.value * 1000 <= nowMs) warnings.push(`expired ${exp.relative}`);
  const nbf = times.nbf;
  if (nbf && nbf.value * 1000 > nowMs) warnings.push(`not valid yet (nbf ${nbf.relative})`);
  const iat = times.iat;
  if (iat && iat.value * 1000 > nowMs) warnings.push(`issued in the future (iat ${iat.relative}): check the clocks`);
  if (token.size.payload > payloadWarnBytes)
    warnings.push(`payload is ${token.size.payload} bytes: keep tokens to identity claims (under 1 KB)`);
  if (token.size.total > tokenWarnBytes)
    warnings.push(`token is ${token.size.total} bytes: larger than the usual 8 KB header limit`);
  return { times, warnings };
}
