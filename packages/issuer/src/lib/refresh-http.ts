import type { Request, Response } from 'express';
import { RefreshTokenError, type RefreshTokenErrorCode } from '../refresh-token-error.js';
import { isSecureRequest, sessionCookieNames } from '../session-cookies.js';
import type { SessionHandlerOptions } from '../session-handler-options.js';

/** Validated handler options. */
export interface SessionHttpConfig {
  readonly refreshPath: string;
  readonly secure: (req: Request) => boolean;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly retryAfterSeconds: number;
  readonly maxBodyBytes: number;
  readonly now: () => number;
}

/** Validates {@link SessionHandlerOptions} (TypeError naming the option). */
export function sessionHttpConfig(options: SessionHandlerOptions): SessionHttpConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { refreshPath } = options;
  if (typeof refreshPath !== 'string' || !refreshPath.startsWith('/') || /[;\s,]/.test(refreshPath)) {
    throw new TypeError('options.refreshPath must be a URL path starting with / (no ; , or spaces)');
  }
  const secure = options.secure ?? 'auto';
  if (secure !== 'auto' && typeof secure !== 'boolean')
    throw new TypeError("options.secure must be true, false or 'auto'");
  const allowed = options.allowedOrigins ?? [];
  if (!Array.isArray(allowed)) throw new TypeError('options.allowedOrigins must be an array of origins');
  const allowedOrigins = new Set<string>();
  for (const origin of allowed) {
    if (typeof origin !== 'string' || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new TypeError(
        'options.allowedOrigins must hold origins such as https://app.example.com (scheme, host, optional port; no path)',
      );
    }
    allowedOrigins.add(origin);
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0)
    throw new TypeError('options.retryAfterSeconds must be a non-negative integer');
  const maxBodyBytes = options.maxBodyBytes ?? 4096;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new TypeError('options.maxBodyBytes must be a positive integer');
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new TypeError('options.now must be a function');
  return {
    refreshPath,
    secure: secure === 'auto' ? isSecureRequest : () => secure,
    allowedOrigins,
    retryAfterSeconds,
    maxBodyBytes,
    now: options.now ?? Date.now,
  };
}

/** An answer with a fixed text: `{ error, code, error_description }`, never echoing the input. */
export interface SessionHttpFailure {
  readonly status: number;
  readonly error: string;
  readonly code: string;
  readonly description: string;
}

const FAILURES = {
  crossSite: {
    status: 403,
    error: 'invalid_request',
    code: 'cross_site_request',
    description: 'Cross-site requests may not use the session cookies.',
  },
  twoTokens: {
    status: 400,
    error: 'invalid_request',
    code: 'multiple_refresh_tokens',
    description: 'Present the refresh token in a cookie or in the body, not both.',
  },
  badBody: {
    status: 400,
    error: 'invalid_request',
    code: 'malformed_request',
    description: 'The request body could not be read.',
  },
  grantType: {
    status: 400,
    error: 'unsupported_grant_type',
    code: 'unsupported_grant_type',
    description: 'Only the refresh_token grant is supported here.',
  },
} as const satisfies Record<string, SessionHttpFailure>;
export { FAILURES as SESSION_HTTP_FAILURES };

const TOKEN_FAILURES: Record<RefreshTokenErrorCode, SessionHttpFailure> = {
  ERR_REFRESH_TOKEN_MISSING: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_missing',
    description: 'No refresh token was presented.',
  },
  ERR_REFRESH_TOKEN_MALFORMED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_malformed',
    description: 'The refresh token is malformed.',
  },
  ERR_REFRESH_TOKEN_INVALID: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_invalid',
    description: 'The refresh token is not valid.',
  },
  ERR_REFRESH_TOKEN_EXPIRED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_expired',
    description: 'The refresh token has expired.',
  },
  ERR_REFRESH_TOKEN_REUSED: {
    status: 401,
    error: 'invalid_grant',
    code: 'refresh_token_reused',
    description: 'The refresh token was already used; the session has been revoked.',
  },
  ERR_REFRESH_STORE_UNAVAILABLE: {
    status: 503,
    error: 'temporarily_unavailable',
    code: 'refresh_store_unavailable',
    description: 'The session store is unavailable; try again later.',
  },
};

/** The HTTP failure of a RefreshTokenError, or undefined for any other error. */
export function failureOf(error: unknown): SessionHttpFailure | undefined {
  return error instanceof RefreshTokenError ? TOKEN_FAILURES[error.code] : undefined;
}

/** Sends a failure with `Cache-Control: no-store` (and Retry-After on 503). */
export function sendFailure(res: Response, failure: SessionHttpFailure, config: SessionHttpConfig): void {
  res.set('Cache-Control', 'no-store');
  if (failure.status === 503) res.set('Retry-After', String(config.retryAfterSeconds));
  res.status(failure.status).json({ error: failure.error, code: failure.code, error_description: failure.description });
}

/** The first value of cookie `name` in the Cookie header (the most specific path comes first). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

/**
 * True when a cookie-authenticated request may proceed: `Sec-Fetch-Site: same-origin`, or an
 * Origin equal to the request's own origin or allow-listed. Anything else (no Origin either) fails closed.
 */
export function sameOriginOrAllowed(req: Request, config: SessionHttpConfig): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  if (config.allowedOrigins.has(origin)) return true;
  return typeof req.headers.host === 'string' && origin === `${req.protocol}://${req.headers.host}`;
}

/** The form or JSON body: parsed by the app already, or read here (bounded); undefined when unreadable. */
export async function readBody(req: Request, maxBodyBytes: number): Promise<Record<string, unknown> | undefined> {
  if (req.body !== undefined && req.body !== null) {
    return typeof req.body === 'object' && !Buffer.isBuffer(req.body)
      ? (req.body as Record<string, unknown>)
      : undefined;
  }
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return {};
  if (req.readableEnded) return {};
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Where the request's refresh token is, and whether the browser cookies are involved. */
export type PresentedRefreshToken =
  | { readonly kind: 'cookie'; readonly token: string }
  | { readonly kind: 'body'; readonly token: string }
  | { readonly kind: 'none'; readonly hasCookies: boolean }
  | { readonly kind: 'failure'; readonly failure: SessionHttpFailure };

/** Finds the refresh token in the cookie or the body field `refresh_token`, applying the CSRF check to cookie requests. */
export async function presentedRefreshToken(
  req: Request,
  config: SessionHttpConfig,
  checkGrantType: boolean,
): Promise<PresentedRefreshToken> {
  const names = sessionCookieNames(config.secure(req));
  const cookie = readCookie(req, names.refresh);
  const hasCookies = cookie !== undefined || readCookie(req, names.access) !== undefined;
  if (hasCookies && !sameOriginOrAllowed(req, config)) return { kind: 'failure', failure: FAILURES.crossSite };
  const body = await readBody(req, config.maxBodyBytes);
  if (!body) return { kind: 'failure', failure: FAILURES.badBody };
  if (checkGrantType && body.grant_type !== undefined && body.grant_type !== 'refresh_token')
    return { kind: 'failure', failure: FAILURES.grantType };
  const field = body.refresh_token;
  if (field !== undefined && typeof field !== 'string') return { kind: 'failure', failure: FAILURES.badBody };
  if (cookie !== undefined && field !== undefined) return { kind: 'failure', failure: FAILURES.twoTokens };
  if (cookie !== undefined && cookie !== '') return { kind: 'cookie', token: cookie };
  if (field !== undefined && field !== '') return { kind: 'body', token: field };
  return { kind: 'none', hasCookies };
}
