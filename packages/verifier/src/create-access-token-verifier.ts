import {
  createCompactJwsDecoder,
  decidingHeaderMembers,
  jwkAlgorithm,
  MAX_KID_LENGTH,
  registeredClaims,
  verifyJwsSignatureBytes,
  type DecodedCompactJws,
  type RegisteredClaims,
} from '@jwks-kit/core';
import type { AccessTokenClaims, AccessTokenVerifierOptions } from './access-token-verifier-options.js';
import type { KeySet, VerificationKey } from './key-set.js';
import { isVerifierError, VerifierError, type VerifierErrorCode } from './errors.js';
import { checkClaims, isClaimsFailure } from './lib/check-claims.js';
import { describeRefusal } from './lib/describe-refusal.js';
import { keysUnavailable } from './lib/keys-unavailable.js';
import { resolveVerifierOptions, type ResolvedIssuer } from './lib/resolve-verifier-options.js';
import { VerifiedTokenCache } from './lib/verified-token-cache.js';
import { VerifiedToken } from './lib/verified-token.js';
import { verifierHealth, type VerifierHealth } from './lib/verifier-health.js';
import { outcomeOf, verifierTelemetry, type VerifierTelemetry } from './lib/verifier-telemetry.js';

/** What a successful verification yields (frozen; shared by repeat requests with the same token). */
export interface VerifiedAccessToken {
  /** The token's claims, deeply frozen. */
  readonly claims: AccessTokenClaims;
  /** The `kid` of the key that verified the signature (`''` for HS256: a configured secret has none). */
  readonly kid: string;
  /** The trusted issuer that matched `iss`. */
  readonly issuer: string;
  /** The `scope` claim split on spaces (on first read, once). */
  readonly scopes: ReadonlySet<string>;
}

/** A framework-free access-token verifier; see {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifier {
  /** Verifies `token`; rejects with a {@link VerifierError} (never anything else). */
  verify(token: string): Promise<VerifiedAccessToken>;
  /**
   * Same as `verify`, but answers synchronously when it can (a verified-token cache hit, or a token
   * whose signing key is already cached, with a synchronous denylist) and throws a {@link VerifierError}
   * synchronously for any refusal decided without waiting.
   * The request path of `requireAuth` uses it to skip a promise per request.
   */
  verifySync(token: string): VerifiedAccessToken | Promise<VerifiedAccessToken>;
  /** Resolves once every key cache the verifier created (for `jwksUri`) holds keys; rejects with the fetch's `KeySetError`. */
  ready(): Promise<void>;
  /** Health of the key sets (worst state, and each set's snapshot by issuer): feed it to a readiness probe. */
  health(): VerifierHealth;
  /** The key set of each trusted issuer, by `iss`: a handle on the events of the sets created for `jwksUri`. */
  readonly keySets: ReadonlyMap<string, KeySet>;
  /** Stops the key caches the verifier created and unsubscribes from key-removal events. */
  close(): Promise<void>;
}

/**
 * A verified token's cache entry. It enters when the cache admits the token (from its second verification on; see
 * `VerifiedTokenCache.admits`) without its result, which it takes on its first hit (from the token's own payload,
 * decoded again): an entry evicted unused then kept alive no claims, only what a hit checks.
 */
interface CacheEntry {
  result: VerifiedAccessToken | undefined;
  readonly kid: string;
  readonly issuer: string;
  readonly keySet: KeySet;
  readonly key: VerificationKey;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

/** `kid` of tokens verified with an HS256 secret: the secret has none. */
const SECRET_KID = '';

/**
 * Creates a verifier of RS256 (or other pinned RSA) access tokens: size cap and strict compact
 * syntax first, then header (alg, typ, kid, no crit/b64/jku/x5u/jwk/x5c), issuer selection by
 * exact `iss`, key lookup per (issuer, kid), signature by Node's `crypto.verify` (synchronous when
 * the key is cached), claims, and the denylist.
 * Options are validated here (TypeError naming the option).
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const resolved = resolveVerifierOptions(options);
  const { issuers, algorithmSet, typ, maxTokenBytes, maxClaimsDepth, denylist, realm, now, logger } = resolved;
  const { spanPerRequest } = resolved;
  /** `undefined` until `@opentelemetry/api` has loaded, `null` without an SDK (the request path then pays one check). */
  let telemetry: VerifierTelemetry | null | undefined = verifierTelemetry(spanPerRequest);
  // Every alg some issuer may use: the allow-list, plus HS256 when an issuer has a secret (that issuer only).
  const acceptedAlgorithms: ReadonlySet<string> = [...issuers.values()].some(({ secret }) => secret !== undefined)
    ? new Set([...algorithmSet, 'HS256'])
    : algorithmSet;
  const cache =
    resolved.verifiedTokenCacheSize > 0
      ? new VerifiedTokenCache<CacheEntry>(resolved.verifiedTokenCacheSize)
      : undefined;
  const decodeCompactJws = createCompactJwsDecoder();
  const unsubscribes: Array<() => void> = [];
  if (cache) {
    for (const { keySet } of issuers.values()) {
      unsubscribes.push(
        keySet.on('keyRemoved', (kid) => cache.deleteWhere((entry) => entry.keySet === keySet && entry.kid === kid)),
      );
    }
  }

  const fail = (code: VerifierErrorCode, description?: string, cause?: unknown) =>
    new VerifierError(code, { realm, description, cause });
  const malformed = (reason: string) =>
    fail('invalid_token', 'The access token is malformed', describeRefusal.malformed(reason));

  const revoked = (result: VerifiedAccessToken) =>
    fail('token_revoked', undefined, describeRefusal.revoked(result.claims, result.kid));

  const checkRevocation = (result: VerifiedAccessToken): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    if (denylist === undefined) return result;
    let answer: boolean | Promise<boolean>;
    try {
      answer = denylist.check(result.claims);
    } catch (error) {
      throw unavailable(error);
    }
    if (answer === false) return result;
    if (answer === true) throw revoked(result);
    if (typeof (answer as Promise<boolean> | null)?.then !== 'function') throw unavailable(undefined);
    return Promise.resolve(answer).then(
      (isRevoked) => {
        if (isRevoked === false) return result;
        if (isRevoked === true) throw revoked(result);
        throw unavailable(undefined);
      },
      (error: unknown) => {
        throw unavailable(error);
      },
    );
  };

  const unavailable = (cause: unknown) => {
    const retryAfter =
      (cause as { code?: unknown; retryAfterSeconds?: unknown } | null)?.code === 'ERR_DENYLIST_UNAVAILABLE'
        ? (cause as { retryAfterSeconds?: unknown }).retryAfterSeconds
        : undefined;
    return new VerifierError('denylist_unavailable', {
      cause,
      retryAfterSeconds: typeof retryAfter === 'number' ? Math.ceil(retryAfter) : undefined,
    });
  };

  /** Decodes and verifies `token`; synchronous unless its kid is not cached (then the key set is asked once). */
  const verifyUncached = (token: string): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    const decoded = decodeCompactJws(token);
    if (decoded === undefined) throw malformed('not three canonical base64url segments of JSON objects');
    const { header, payload } = decoded;
    const { alg, typ: headerTyp, kid: headerKid } = decidingHeaderMembers(header);
    if (typeof alg !== 'string' || !acceptedAlgorithms.has(alg))
      throw fail(
        'invalid_token',
        'The access token algorithm is not accepted',
        describeRefusal.alg(alg, [...acceptedAlgorithms]),
      );
    if (typ !== undefined && !isAcceptedTyp(headerTyp, typ))
      throw fail('invalid_token', 'The access token type is not accepted', describeRefusal.typ(headerTyp, typ));
    const forbidden = forbiddenHeaderOf(header);
    if (forbidden !== undefined)
      throw fail('invalid_token', 'The access token header is not accepted', describeRefusal.header(forbidden, alg));
    const claims = registeredClaims(payload);
    const iss = claims.iss;
    const issuer = typeof iss === 'string' ? issuers.get(iss) : undefined;
    if (issuer === undefined)
      throw fail(
        'invalid_token',
        'The access token issuer is not accepted',
        describeRefusal.issuer(iss, issuers.keys(), String(headerKid), alg),
      );
    // The issuer (chosen by exact iss) decides the algorithm: HS256 with its secret, or its keys' own; never the token.
    if (issuer.secret !== undefined) {
      if (alg !== 'HS256')
        throw fail('invalid_token', 'The access token algorithm is not accepted', describeRefusal.alg(alg, ['HS256']));
      return verifyWithKey(token, decoded, claims, alg, SECRET_KID, issuer, issuer.secret);
    }
    if (!algorithmSet.has(alg))
      throw fail(
        'invalid_token',
        'The access token algorithm is not accepted',
        describeRefusal.alg(alg, resolved.algorithms),
      );
    const kid = headerKid;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)
      throw fail('invalid_token', 'The access token key id is missing or invalid', describeRefusal.kid(kid, alg));
    const cached = issuer.keySet.getKey(kid);
    if (cached !== undefined) return verifyWithKey(token, decoded, claims, alg, kid, issuer, cached);
    return resolveKey(issuer, kid).then((key) => verifyWithKey(token, decoded, claims, alg, kid, issuer, key));
  };

  /** Signature (no per-request closure on this path), claims, verified-token cache, denylist. */
  const verifyWithKey = (
    token: string,
    decoded: DecodedCompactJws,
    registered: RegisteredClaims,
    alg: string,
    kid: string,
    issuer: ResolvedIssuer,
    key: VerificationKey | undefined,
  ): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    if (key === undefined) throw unknownKey(issuer, kid, alg);
    const bound = jwkAlgorithm(key);
    const payload = decoded.payload;
    if (
      (bound !== undefined && bound !== alg) ||
      !verifyJwsSignatureBytes(alg, decoded.signingInput, decoded.signature, key)
    ) {
      throw fail(
        'invalid_token',
        'The access token signature is invalid',
        describeRefusal.signature(kid, alg, issuer.issuer, bound),
      );
    }
    const nowMs = now();
    const window = checkClaims(payload, registered, issuer, resolved, nowMs);
    if (isClaimsFailure(window))
      throw fail(
        window.code,
        window.description,
        describeRefusal.claims(window, payload, registered, issuer, resolved, nowMs, kid, alg),
      );
    if (!deepFreeze(payload, maxClaimsDepth))
      throw fail('claims_too_deep', undefined, describeRefusal.claimsDepth(maxClaimsDepth, kid, alg, issuer.issuer));
    const claims = payload as unknown as AccessTokenClaims;
    const result: VerifiedAccessToken = new VerifiedToken(claims, kid, issuer.issuer);
    if (cache?.admits(token))
      cache.set(token, {
        result: undefined,
        kid,
        issuer: issuer.issuer,
        keySet: issuer.keySet,
        key,
        validFromMs: window.validFromMs,
        validUntilMs: window.validUntilMs,
      });
    return checkRevocation(result);
  };

  /** No key for `kid`: 503 when the key set is not healthy (the keys cannot be had), else 401. */
  const unknownKey = (issuer: ResolvedIssuer, kid: string, alg: string): VerifierError =>
    keysUnavailable(issuer.keySet, realm, now()) ??
    fail('invalid_token', 'The access token signing key is unknown', describeRefusal.key(kid, alg, issuer));

  const resolveKey = async (issuer: ResolvedIssuer, kid: string): Promise<VerificationKey | undefined> => {
    try {
      return await issuer.keySet.resolveKey(kid);
    } catch (error) {
      throw fail('keys_unavailable', undefined, error);
    }
  };

  /**
   * The result of a cached token on its entry's first hit: its payload decoded again (the same bytes, so the same
   * claims, which passed every check when the entry was made) and frozen; the signature is not checked again.
   */
  const cachedResult = (token: string, entry: CacheEntry): VerifiedAccessToken => {
    const payload = decodeCompactJws(token)!.payload;
    deepFreeze(payload, maxClaimsDepth);
    return new VerifiedToken(payload as unknown as AccessTokenClaims, entry.kid, entry.issuer);
  };

  /** Anything thrown that is not a VerifierError becomes `invalid_token` (kept as cause). */
  const rethrowAsVerifierError = (error: unknown): never => {
    throw isVerifierError(error) ? error : fail('invalid_token', undefined, error);
  };

  const verifyFull = (token: string): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    let outcome: VerifiedAccessToken | Promise<VerifiedAccessToken>;
    try {
      outcome = verifyUncached(token);
    } catch (error) {
      return rethrowAsVerifierError(error);
    }
    return outcome instanceof Promise ? outcome.catch(rethrowAsVerifierError) : outcome;
  };

  const verifyPlain = (token: string): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    if (typeof token !== 'string' || token.length > maxTokenBytes)
      throw malformed(typeof token !== 'string' ? 'not a string' : `longer than maxTokenBytes (${maxTokenBytes})`);
    if (cache !== undefined) {
      const entry = cache.get(token);
      if (entry !== undefined) {
        const nowMs = now();
        if (nowMs < entry.validUntilMs && nowMs >= entry.validFromMs && entry.keySet.getKey(entry.kid) === entry.key) {
          telemetry?.cacheHit();
          return checkRevocation((entry.result ??= cachedResult(token, entry)));
        }
        cache.delete(token);
      }
      telemetry?.cacheMiss();
    }
    return verifyFull(token);
  };

  /** Records a refusal (metrics, active span), logs it at debug with its detail, and rethrows it. */
  const observeRefusal = (t: VerifierTelemetry | null, startedMs: number, error: unknown): never => {
    t?.settle(outcomeOf(error), startedMs);
    if (logger !== undefined && isVerifierError(error))
      logger.debug({ code: error.code, status: error.status, detail: error.cause }, 'access token refused');
    throw error;
  };

  /**
   * Records the outcome (metrics, active span) and logs refusals at debug, around {@link verifyPlain}. No closure
   * is made on the synchronous path (one per request was a measurable share of the SDK-on cost).
   */
  const verifyObserved = (
    t: VerifierTelemetry | null,
    token: string,
  ): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    const startedMs = t === null ? 0 : performance.now();
    let result: VerifiedAccessToken | Promise<VerifiedAccessToken>;
    try {
      result = verifyPlain(token);
    } catch (error) {
      return observeRefusal(t, startedMs, error);
    }
    if (result instanceof Promise)
      return result.then(
        (verified) => {
          t?.settle('ok', startedMs);
          return verified;
        },
        (error: unknown) => observeRefusal(t, startedMs, error),
      );
    t?.settle('ok', startedMs);
    return result;
  };

  const verifySync = (token: string): VerifiedAccessToken | Promise<VerifiedAccessToken> => {
    // while `@opentelemetry/api` loads (a few ticks after start) nothing is recorded
    const t = (telemetry === undefined ? (telemetry = verifierTelemetry(spanPerRequest)) : telemetry) ?? null;
    if (t === null) return logger === undefined ? verifyPlain(token) : verifyObserved(t, token);
    if (!t.spanPerRequest || !t.o.tracing) return verifyObserved(t, token);
    return t.o.tracer.startActiveSpan('jwks_kit.verify', (span) => {
      let result: VerifiedAccessToken | Promise<VerifiedAccessToken>;
      try {
        result = verifyObserved(t, token);
      } catch (error) {
        span.end();
        throw error;
      }
      if (result instanceof Promise) return result.finally(() => span.end());
      span.end();
      return result;
    });
  };

  return {
    verifySync,
    async verify(token) {
      return verifySync(token);
    },
    async ready() {
      await Promise.all([...issuers.values()].map(({ keySet }) => keySet.ready?.()));
    },
    health: () => verifierHealth(issuers.values()),
    keySets: new Map([...issuers].map(([iss, { keySet }]) => [iss, keySet])),
    async close() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      cache?.clear();
      await Promise.all(resolved.ownedKeySets.map((keySet) => keySet.close()));
    },
  };
}

/**
 * Freezes `value` and everything below it; answers false (and stops) at an object or array nested deeper
 * than `levelsLeft` levels. Recursion is bounded by the limit, so a hostile token cannot exhaust the stack.
 */
function deepFreeze(value: unknown, levelsLeft: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (levelsLeft === 0) return false;
  Object.freeze(value);
  // Own members only (an enumerable member of a polluted prototype is not the token's), and no array made per
  // call as `Object.values` would: this took the freeze from ~1.0 to ~0.6 µs per distinct token in an Express server.
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const child = (value as Record<string, unknown>)[name];
    if (typeof child === 'object' && child !== null && !deepFreeze(child, levelsLeft - 1)) return false;
  }
  return true;
}

/**
 * The first header member an access token may not carry (`crit`, `b64`, `jku`, `x5u`, `jwk`, `x5c`), or `undefined`.
 * Each is a named load: one keyed load over the list of names would be megamorphic, a stub-cache lookup per name.
 */
function forbiddenHeaderOf(header: Record<string, unknown>): string | undefined {
  if (header.crit !== undefined) return 'crit';
  if (header.b64 !== undefined) return 'b64';
  if (header.jku !== undefined) return 'jku';
  if (header.x5u !== undefined) return 'x5u';
  if (header.jwk !== undefined) return 'jwk';
  if (header.x5c !== undefined) return 'x5c';
  return undefined;
}

/** Whether `value` is an accepted `typ` (the set holds them lower-cased): lower-cases only a spelling not found as is. */
function isAcceptedTyp(value: unknown, accepted: ReadonlySet<string>): boolean {
  return typeof value === 'string' && (accepted.has(value) || accepted.has(value.toLowerCase()));
}
