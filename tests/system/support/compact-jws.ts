import { constants, createHmac, sign, type KeyObject } from 'node:crypto';

/** JOSE header or JWT claims as JSON (any member, any value: attacks need ill-typed ones). */
export type JsonObject = Record<string, unknown>;

/** Header, payload and signature of a compact token, as the three segments and decoded. */
export type TokenParts = Readonly<{
  header: JsonObject;
  payload: JsonObject;
  segments: readonly [string, string, string];
}>;

/** base64url without padding of a string (UTF-8) or bytes. */
export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** base64url of `JSON.stringify(value)`. */
export function b64json(value: unknown): string {
  return b64url(JSON.stringify(value));
}

/** Splits and decodes a compact JWS that this suite obtained from the real issuer. */
export function parseToken(token: string): TokenParts {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as JsonObject;
  return { header: decode(h), payload: decode(p), segments: [h, p, s] };
}

/** Algorithms {@link signCompact} can produce, `none` included. */
export type CraftAlgorithm =
  'none' | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'EdDSA';

const DIGEST: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * Signs `header.payload` with `algorithm` (which need not match `header.alg`: substitution attacks
 * sign one way and claim another). HMAC takes the secret as bytes or string; the others a KeyObject.
 */
export function signingInput(header: JsonObject | string, payload: JsonObject | string): string {
  const h = typeof header === 'string' ? header : b64json(header);
  const p = typeof payload === 'string' ? payload : b64json(payload);
  return `${h}.${p}`;
}

/** A signature over `input` with the given algorithm and key, as base64url. */
export function signature(input: string, algorithm: CraftAlgorithm, key: KeyObject | string | Uint8Array): string {
  if (algorithm === 'none') return '';
  const digest = DIGEST[algorithm.slice(2)];
  if (algorithm.startsWith('HS'))
    return createHmac(digest!, key as string | Uint8Array)
      .update(input)
      .digest('base64url');
  const keyObject = key as KeyObject;
  if (algorithm === 'EdDSA') return sign(null, Buffer.from(input), keyObject).toString('base64url');
  if (algorithm.startsWith('RS')) return sign(digest!, Buffer.from(input), keyObject).toString('base64url');
  if (algorithm.startsWith('PS')) {
    return sign(digest!, Buffer.from(input), {
      key: keyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(algorithm.slice(2)) / 8,
    }).toString('base64url');
  }
  return sign(digest!, Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** A compact JWS `header.payload.signature` signed with `algorithm` and `key`. */
export function signCompact(
  header: JsonObject,
  payload: JsonObject,
  algorithm: CraftAlgorithm,
  key: KeyObject | string | Uint8Array,
): string {
  const input = signingInput(header, payload);
  return `${input}.${signature(input, algorithm, key)}`;
}
