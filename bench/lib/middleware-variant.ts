import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MicroVariant } from './types.js';

/** A request as Node's HTTP parser hands it to Express, reduced to what a bearer middleware reads. */
export const requestWith = (token: string) =>
  ({
    method: 'GET',
    headers: { host: '127.0.0.1', authorization: `Bearer ${token}`, connection: 'keep-alive' },
    rawHeaders: ['Host', '127.0.0.1', 'Authorization', `Bearer ${token}`, 'Connection', 'keep-alive'],
  }) as unknown as Request;

/**
 * A micro variant that calls the middleware `handler` with `request()` and a stub response, as Express
 * would, and fails the run when the middleware hands an error to `next`.
 */
export function middlewareVariant(name: string, handler: RequestHandler, request: () => Request): MicroVariant {
  const res = { status: () => res, json: () => res, locals: {} } as unknown as Response;
  let failed: unknown;
  const next: NextFunction = (error?: unknown) => {
    if (error !== undefined) failed = error;
  };
  return {
    name,
    run: () => {
      handler(request(), res, next);
      if (failed !== undefined) throw new Error(`${name}: ${String(failed)}`);
    },
  };
}
