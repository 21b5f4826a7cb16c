import type { ErrorRequestHandler } from 'express';
import { HttpError } from './http-error.js';

type Renderable = {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  headers?: unknown;
  code?: unknown;
  retryAfterSeconds?: unknown;
};

/** Store errors that mean "try again shortly" (Redis or a remote signing service unreachable): answered 503 with Retry-After, never 500. */
const UNAVAILABLE_CODES = new Set([
  'ERR_REVOCATION_FAILED',
  'ERR_DENYLIST_UNAVAILABLE',
  'ERR_REFRESH_STORE_UNAVAILABLE',
  'ERR_KEY_RING_STALE',
  'ERR_KEY_STORE_CONFLICT',
  'ERR_SIGNER_UNAVAILABLE',
]);

/**
 * Final error handler of every example app: `{ error, code, error_description }` JSON with fixed texts.
 * Renders {@link HttpError}s, store outages (503 + Retry-After), the body parser's own 400/413 errors, and otherwise answers 500 without
 * details (the error is logged, not sent). Errors already rendered by a library handler never get here.
 */
export function jsonErrorHandler(log: (message: string) => void = console.error): ErrorRequestHandler {
  return function renderJsonError(err: unknown, _req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof HttpError) {
      res
        .set(err.headers)
        .status(err.status)
        .json({ error: err.error, code: err.code, error_description: err.message });
      return;
    }
    const e = (err ?? {}) as Renderable;
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) {
      const retryAfter =
        typeof e.retryAfterSeconds === 'number' && e.retryAfterSeconds > 0 ? Math.ceil(e.retryAfterSeconds) : 1;
      res.set('Retry-After', String(retryAfter)).status(503).json({
        error: 'temporarily_unavailable',
        code: 'temporarily_unavailable',
        error_description: 'A backing store is unavailable; retry shortly.',
      });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({
        error: 'invalid_request',
        code: 'invalid_request',
        error_description: 'The request body is not valid JSON.',
      });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({
        error: 'invalid_request',
        code: 'invalid_request',
        error_description: 'The request body is too large.',
      });
      return;
    }
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status >= 400 && status < 500) {
      res
        .status(status)
        .json({ error: 'invalid_request', code: 'invalid_request', error_description: 'The request was rejected.' });
      return;
    }
    log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    res.status(500).json({ error: 'server_error', code: 'server_error', error_description: 'Internal server error.' });
  };
}
