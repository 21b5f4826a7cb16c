import type { ErrorRequestHandler } from 'express';

/**
 * Error handler for the peer scenarios: answers with the error's `status` (401 from every peer's
 * refusal) and a small JSON body, without logging, like the verifier's `authErrorHandler()`.
 */
export const jsonErrorHandler: ErrorRequestHandler = (
  err: { status?: unknown; statusCode?: unknown },
  _req,
  res,
  _next,
) => {
  const status =
    typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : 500;
  res.status(status).json({ error: status === 401 ? 'invalid_token' : 'error' });
};
