import { parseAllowedOriginsOption } from '@jwks-kit/core';
import type { Request } from 'express';
import { isSecureRequest } from '../session-cookies.js';
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
    throw new TypeError('option `refreshPath` must be a URL path starting with / (no ; , or spaces)');
  }
  const secure = options.secure ?? 'auto';
  if (secure !== 'auto' && typeof secure !== 'boolean')
    throw new TypeError("option `secure` must be true, false or 'auto'");
  const allowedOrigins = parseAllowedOriginsOption(options.allowedOrigins ?? []);
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0)
    throw new TypeError('option `retryAfterSeconds` must be a non-negative integer');
  const maxBodyBytes = options.maxBodyBytes ?? 4096;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new TypeError('option `maxBodyBytes` must be a positive integer');
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new TypeError('option `now` must be a function');
  return {
    refreshPath,
    secure: secure === 'auto' ? isSecureRequest : () => secure,
    allowedOrigins,
    retryAfterSeconds,
    maxBodyBytes,
    now: options.now ?? Date.now,
  };
}
