import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { isVerifierError } from './errors.js';

/**
 * Express error handler that answers a {@link VerifierError} with its status, its headers
 * (`WWW-Authenticate`, `Retry-After`) and the JSON body `{ error, code, error_description }`;
 * every other error goes on to the next handler. Mount after the routes.
 */
export function authErrorHandler(): ErrorRequestHandler {
  return function authErrorHandlerMiddleware(err: unknown, _req: Request, res: Response, next: NextFunction): void {
    if (!isVerifierError(err) || res.headersSent) return next(err);
    const body = JSON.stringify(err.toJSON());
    res.statusCode = err.status;
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
}
