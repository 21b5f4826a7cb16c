import { countHeader, readCookie } from '@jwks-kit/core';
import type { IncomingHttpHeaders } from 'node:http';
import { VerifierError } from './errors.js';

/** Where a token was found. */
export type TokenSource = 'header' | 'cookie';

/** How a token was presented: `Authorization: Bearer` or a cookie (`Bearer`), or `Authorization: DPoP` (RFC 9449). */
export type TokenScheme = 'Bearer' | 'DPoP';

/** A token taken from a request, not yet verified. */
export interface FoundToken {
  readonly token: string;
  readonly source: TokenSource;
  readonly scheme: TokenScheme;
}

/** The parts of a request {@link getToken} reads (an Express or plain Node request). */
export interface TokenRequest {
  readonly headers: IncomingHttpHeaders;
  /** Raw header list, used to detect repeated `Authorization` headers. */
  readonly rawHeaders?: readonly string[];
  /** Set by cookie-parser when it ran; otherwise the `Cookie` header is parsed here. */
  readonly cookies?: unknown;
}

/** Options of {@link getToken}. */
export type GetTokenOptions = Readonly<{
  /** Name of the cookie that may carry the access token; without it cookies are ignored. @default undefined */
  cookieName?: string;
  /** `realm` of the challenge of an `invalid_request` refusal. @default 'api' */
  realm?: string;
  /**
   * Also take `Authorization: DPoP <token>` (scheme `DPoP`), and refuse (400) a `Bearer` header sent with a `DPoP`
   * proof header: the two schemes together are ambiguous. Without it a DPoP header is ignored like any other scheme.
   * @default false
   */
  dpop?: boolean;
}>;

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Takes the bearer token from `Authorization: Bearer …` (scheme case-insensitive, exactly one
 * token), from `Authorization: DPoP …` with the `dpop` option, or from the named cookie. Query-string and body tokens are never read. Answers
 * `undefined` when there is none; throws a 400 `invalid_request` {@link VerifierError} for a
 * malformed `Authorization: Bearer` header, repeated `Authorization` headers, a repeated token
 * cookie, or a token in both the header and the cookie. Another scheme (e.g. Basic) is ignored.
 */
export function getToken(req: TokenRequest, options: GetTokenOptions = {}): FoundToken | undefined {
  const found = findToken(req, options);
  if (found !== undefined) assertBearerSyntax(found, options.realm);
  return found;
}

/**
 * {@link getToken} without the RFC 6750 b64token check of a header token, which the caller then owes:
 * `requireAuth` runs {@link assertBearerSyntax} only when verification fails, since a token that verifies
 * is a compact JWS, whose characters are all b64token characters (one 500–800-character regex less per request).
 */
export function findToken(req: TokenRequest, options: GetTokenOptions = {}): FoundToken | undefined {
  const authorization = req.headers.authorization;
  let headerToken: string | undefined;
  let scheme: TokenScheme = 'Bearer';
  if (authorization !== undefined) {
    if (countHeader(req.rawHeaders, 'authorization') > 1) throw invalidRequest(options.realm);
    headerToken = bearerToken(authorization);
    if (options.dpop === true) {
      if (headerToken === undefined) {
        headerToken = dpopToken(authorization);
        if (headerToken !== undefined) scheme = 'DPoP';
      } else if (req.headers.dpop !== undefined) throw invalidRequest(options.realm);
    }
  }
  const cookieToken =
    options.cookieName === undefined ? undefined : cookieValue(req, options.cookieName, options.realm);
  if (headerToken !== undefined) {
    if (cookieToken !== undefined) throw invalidRequest(options.realm);
    return { token: headerToken, source: 'header', scheme };
  }
  return cookieToken === undefined ? undefined : { token: cookieToken, source: 'cookie', scheme: 'Bearer' };
}

/** Throws the 400 `invalid_request` of {@link getToken} when a header token is not RFC 6750 b64token syntax. */
export function assertBearerSyntax(found: FoundToken, realm: string | undefined): void {
  if (found.source === 'header' && !B64TOKEN.test(found.token)) throw invalidRequest(realm);
}

function invalidRequest(realm: string | undefined): VerifierError {
  return new VerifierError('invalid_request', { realm });
}

function bearerToken(value: string): string | undefined {
  return schemeToken(value, 'bearer', 'Bearer');
}

function dpopToken(value: string): string | undefined {
  return schemeToken(value, 'dpop', 'DPoP');
}

/**
 * The credentials after `lowerScheme` (matched without case) and its spaces; `undefined` for another scheme.
 * The usual spellings (`usualScheme`, `lowerScheme`) are compared before anything is lowercased.
 */
function schemeToken(value: string, lowerScheme: string, usualScheme: string): string | undefined {
  const length = lowerScheme.length;
  if (value.length !== length && value.charCodeAt(length) !== 32) return undefined;
  const scheme = value.slice(0, length);
  if (scheme !== usualScheme && scheme !== lowerScheme && scheme.toLowerCase() !== lowerScheme) return undefined;
  let start = length + 1;
  while (value.charCodeAt(start) === 32) start += 1;
  return value.slice(Math.min(start, value.length));
}

function cookieValue(req: TokenRequest, name: string, realm: string | undefined): string | undefined {
  const header = req.headers.cookie;
  // cookie-parser (when it ran) keeps the first of repeated cookies; the one reader refuses a repeat either way.
  const read = readCookie(header, name);
  if (read.kind === 'repeated') throw invalidRequest(realm);
  const parsed = req.cookies;
  const value =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)[name]
      : read.kind === 'value'
        ? read.value
        : undefined;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(realm);
  return value;
}
