import { refuseRenamedOptions } from '@jwks-kit/core';
import { count, traced } from './lib/issuer-telemetry.js';
import { randomBytes } from 'node:crypto';
import type { KeyRing } from './create-key-ring.js';
import { IssuerError, isIssuerError } from './issuer-error.js';
import { createHmacSigningKey, importHs256Secret, type HmacSigningKey } from './lib/hmac-signing-key.js';
import type { Signer } from './signer.js';

export { MIN_HS256_SECRET_BYTES } from './lib/hmac-signing-key.js';

/** Claims the signer sets itself; custom claims may not use these names. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
  'typ',
  'cnf',
]);

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** An RFC 7638 SHA-256 thumbprint in base64url. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/** Options of {@link createAccessTokenSigner}. */
export type AccessTokenSignerOptions = Readonly<{
  /** The `iss` claim: the issuer's identifier (an https URL in production). */
  issuer: string;
  /** Keys to sign with: always the ring's active key (RS256, PS256, ES256 or EdDSA). Give `keyRing` or `secret`. */
  keyRing?: KeyRing;
  /**
   * HS256 single-service mode: the HMAC secret (at least 32 bytes of random key material; strings
   * are refused). Only for one service that signs and verifies its own tokens, and publishes
   * nothing: the tokens carry no kid, and a signer with a `secret` cannot have a `keyRing`, so an
   * issuer is either HS256 or published in a JWKS, never both. The verifier takes the same
   * secret through its own `secret` option.
   */
  secret?: Uint8Array;
  /** Longest lifetime in secret mode, seconds (with a key ring, the ring's `maxTokenLifetimeSeconds`). @default 86400 (1 day) */
  maxTokenLifetimeSeconds?: number;
  /** The `aud` claim when `sign()` is given none. Tokens without any audience are refused. */
  defaultAudience?: string | readonly string[];
  /** Lifetime when `sign()` is given none; at most `maxTokenLifetimeSeconds`. @default 900 */
  defaultTtlSeconds?: number;
  /** Size cap of a token, in bytes (the browser cookie limit by default). @default 4096 */
  maxTokenBytes?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}>;

/** What to put in one access token. */
export interface SignAccessTokenInput {
  /** The subject (user id). Required. */
  readonly sub: string;
  /** Overrides `defaultAudience`. */
  readonly aud?: string | readonly string[];
  /** Granted scopes, as a space-separated string or a list; sent as one space-separated string. */
  readonly scope?: string | readonly string[];
  /** The `client_id` claim (RFC 9068). */
  readonly clientId?: string;
  /** Overrides `defaultTtlSeconds`; a positive integer up to the key ring's maximum lifetime. */
  readonly ttlSeconds?: number;
  /**
   * Binds the token to a DPoP proof key (RFC 9449 §6): its RFC 7638 SHA-256 thumbprint, base64url
   * (43 characters), sent as `cnf.jkt`. Resource servers then refuse the token without a proof of that key.
   */
  readonly jkt?: string;
  /** Further claims; names of registered claims (iss, sub, aud, exp, iat, jti, cnf, …) are refused. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A signed token and the values a caller may want to record (jti for revocation, exp for cookies). */
export interface SignedAccessToken {
  readonly token: string;
  readonly jti: string;
  /** NumericDate (seconds). */
  readonly iat: number;
  /** NumericDate (seconds). */
  readonly exp: number;
  /** The signing key's kid; `undefined` for HS256 (secret mode). */
  readonly kid: string | undefined;
}

/** Signs RFC 9068 access tokens: compact JWS, header `{ alg, typ: at+jwt, kid }` of the ring's active key (`{ alg: HS256, typ }` with a secret). */
export interface AccessTokenSigner {
  readonly issuer: string;
  /**
   * Signs one token with the ring's active key. While a started ring over a shared store is stale, it waits for
   * the ring's re-read of the store ({@link KeyRing.whenFresh}, at most the ring's `freshWaitMs`) and signs if that
   * read brought the ring back; otherwise it rejects with `ERR_KEY_RING_STALE`.
   */
  sign(input: SignAccessTokenInput): Promise<SignedAccessToken>;
}

interface PreparedKey {
  readonly key: Signer | HmacSigningKey;
  readonly headerB64: string;
  readonly signatureChars: number;
}

/**
 * Creates an access-token signer over a key ring (RS256, PS256, ES256, EdDSA; the kid names the
 * key) or, for a single service, over an HS256 `secret`. Validates options (TypeError naming the option). The signing
 * path serialises the claims once and signs with the ring's cached private KeyObject; the
 * base64url header is computed once per key.
 */
export function createAccessTokenSigner(options: AccessTokenSignerOptions): AccessTokenSigner {
  const { issuer, keyRing, secret } = options ?? {};
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('option `issuer` must be a non-empty string');
  if (keyRing !== undefined && secret !== undefined)
    throw new TypeError(
      'options `keyRing` and `secret` exclude each other: an issuer signs HS256 for itself or publishes its keys in a JWKS, never both',
    );
  let signingKey: () => Signer | HmacSigningKey;
  // After signingKey() threw: rethrows, except a stale ring's refusal, where it waits (at most the ring's
  // freshWaitMs) for the ring's re-read of the store and asks again, which still throws while the ring is stale.
  let afterRefusal = (error: unknown): Promise<Signer | HmacSigningKey> => Promise.reject(error);
  refuseRenamedOptions(options, { maxTokenLifetimeMs: '`maxTokenLifetimeSeconds` (seconds)' });
  let maxTtlSeconds: number;
  if (secret !== undefined) {
    const hmacKey = createHmacSigningKey(importHs256Secret(secret, 'secret'));
    signingKey = () => hmacKey;
    maxTtlSeconds = options.maxTokenLifetimeSeconds ?? 86_400;
    if (!Number.isInteger(maxTtlSeconds) || maxTtlSeconds <= 0)
      throw new TypeError('option `maxTokenLifetimeSeconds` must be a positive integer number of seconds');
  } else {
    if (typeof keyRing?.signingKey !== 'function')
      throw new TypeError('option `keyRing` must be a KeyRing (or give `secret` for HS256)');
    if (options.maxTokenLifetimeSeconds !== undefined)
      throw new TypeError("option `maxTokenLifetimeSeconds` is for secret mode; with a key ring it is the ring's");
    signingKey = () => keyRing.signingKey();
    afterRefusal = async (error) => {
      if (!isIssuerError(error) || error.code !== 'ERR_KEY_RING_STALE') throw error;
      await keyRing.whenFresh();
      return keyRing.signingKey();
    };
    maxTtlSeconds = keyRing.maxTokenLifetimeSeconds;
  }
  const defaultTtlSeconds = options.defaultTtlSeconds ?? Math.min(900, maxTtlSeconds);
  if (!Number.isInteger(defaultTtlSeconds) || defaultTtlSeconds <= 0 || defaultTtlSeconds > maxTtlSeconds) {
    throw new TypeError(
      `option \`defaultTtlSeconds\` must be a positive integer of at most ${maxTtlSeconds} (maxTokenLifetimeSeconds)`,
    );
  }
  const maxTokenBytes = options.maxTokenBytes ?? 4096;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 256)
    throw new TypeError('option `maxTokenBytes` must be an integer of at least 256');
  const defaultAudience = options.defaultAudience === undefined ? undefined : audience(options.defaultAudience);
  if (defaultAudience === null)
    throw new TypeError('option `defaultAudience` must be a non-empty string or a non-empty list of them');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function');

  let prepared: PreparedKey | undefined;
  const prepare = (key: Signer | HmacSigningKey): PreparedKey => {
    if (prepared?.key === key) return prepared;
    const header = JSON.stringify(
      key.kid === undefined ? { alg: key.alg, typ: 'at+jwt' } : { alg: key.alg, typ: 'at+jwt', kid: key.kid },
    );
    prepared = {
      key,
      headerB64: Buffer.from(header).toString('base64url'),
      signatureChars: Math.ceil((key.signatureBytes * 4) / 3),
    };
    return prepared;
  };

  return {
    issuer,
    async sign(input) {
      if (typeof input !== 'object' || input === null) throw new TypeError('sign() takes an object');
      const { sub, clientId, claims } = input;
      if (typeof sub !== 'string' || sub === '')
        throw new IssuerError('ERR_MISSING_SUB', 'an access token needs a non-empty sub');
      const aud = input.aud === undefined ? defaultAudience : audience(input.aud);
      if (aud === null)
        throw new IssuerError('ERR_MISSING_AUDIENCE', 'aud must be a non-empty string or a non-empty list of them');
      if (aud === undefined)
        throw new IssuerError(
          'ERR_MISSING_AUDIENCE',
          'an access token needs an audience: pass aud or set defaultAudience',
        );
      const ttl = input.ttlSeconds ?? defaultTtlSeconds;
      if (!Number.isInteger(ttl) || ttl <= 0 || ttl > maxTtlSeconds) {
        throw new IssuerError('ERR_INVALID_TTL', `ttlSeconds must be a positive integer of at most ${maxTtlSeconds}`);
      }
      if (clientId !== undefined && (typeof clientId !== 'string' || clientId === '')) {
        throw new IssuerError('ERR_INVALID_CLAIM', 'clientId must be a non-empty string');
      }
      const scope = input.scope === undefined ? undefined : scopeString(input.scope);
      if (input.jkt !== undefined && (typeof input.jkt !== 'string' || !JKT.test(input.jkt))) {
        throw new IssuerError('ERR_INVALID_CLAIM', 'jkt must be a base64url SHA-256 thumbprint (43 characters)');
      }
      const cnf = input.jkt === undefined ? undefined : { jkt: input.jkt };
      if (claims !== undefined) {
        if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
          throw new IssuerError('ERR_INVALID_CLAIM', 'claims must be an object');
        for (const name of Object.keys(claims)) {
          if (RESERVED_CLAIMS.has(name))
            throw new IssuerError('ERR_RESERVED_CLAIM', `custom claim "${name}" would override a registered claim`);
        }
      }
      // The key before the clock: a signature that waited for a stale ring's re-read says when it was made.
      let active: Signer | HmacSigningKey;
      try {
        active = signingKey();
      } catch (error) {
        active = await afterRefusal(error);
      }
      const key = prepare(active);
      const iat = Math.floor(now() / 1000);
      const exp = iat + ttl;
      const jti = randomBytes(16).toString('base64url');
      let payload: string;
      try {
        payload = JSON.stringify({ iss: issuer, sub, aud, exp, iat, jti, client_id: clientId, scope, cnf, ...claims });
      } catch (error) {
        throw new IssuerError('ERR_INVALID_CLAIM', 'claims must be JSON-serialisable', { cause: error });
      }
      const signingInput = `${key.headerB64}.${Buffer.from(payload).toString('base64url')}`;
      const size = signingInput.length + 1 + key.signatureChars;
      if (size > maxTokenBytes) {
        throw new IssuerError(
          'ERR_TOKEN_TOO_LARGE',
          `access token would be ${size} bytes, over the ${maxTokenBytes}-byte cap (maxTokenBytes)`,
        );
      }
      const kid = key.key.kid;
      const signature = await traced('jwks_kit.sign', { 'jwks_kit.kid': kid ?? key.key.alg }, () =>
        signWith(key.key, signingInput),
      );
      count('jwks_kit.issuer.tokens.signed', { 'jwks_kit.kid': kid ?? key.key.alg });
      return { token: `${signingInput}.${signature}`, jti, iat, exp, kid };
    },
  };
}

/**
 * Signs through the {@link Signer}; a failure or a signature of the wrong length is `ERR_SIGNING_FAILED`,
 * except a signer's own {@link IssuerError} (a remote signer's `ERR_SIGNER_UNAVAILABLE`, `ERR_SIGNATURE_INVALID`), kept as is.
 */
async function signWith(signer: Signer | HmacSigningKey, signingInput: string): Promise<string> {
  let signature: Uint8Array;
  try {
    signature = await signer.sign(Buffer.from(signingInput));
  } catch (error) {
    if (isIssuerError(error)) throw error;
    throw new IssuerError('ERR_SIGNING_FAILED', `key ${signer.kid ?? signer.alg} could not sign`, { cause: error });
  }
  if (signature.length !== signer.signatureBytes) {
    throw new IssuerError(
      'ERR_SIGNING_FAILED',
      `key ${signer.kid ?? signer.alg} returned a ${signature.length}-byte signature, expected ${signer.signatureBytes}`,
    );
  }
  return Buffer.from(signature.buffer, signature.byteOffset, signature.length).toString('base64url');
}

/** Normalises an audience; `null` when it is empty or not strings. */
function audience(value: string | readonly string[]): string | string[] | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v === '')) return null;
  return value.length === 1 ? (value[0] as string) : [...value];
}

function scopeString(value: string | readonly string[]): string {
  const tokens = typeof value === 'string' ? value.split(' ') : value;
  if (
    !Array.isArray(tokens) ||
    tokens.length === 0 ||
    tokens.some((token) => typeof token !== 'string' || !SCOPE_TOKEN.test(token))
  ) {
    throw new IssuerError('ERR_INVALID_SCOPE', 'scope must be scope tokens (RFC 6749 §3.3) separated by single spaces');
  }
  return tokens.join(' ');
}
