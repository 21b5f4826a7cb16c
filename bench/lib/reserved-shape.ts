import type { Application } from 'express';
import { declareExpressShape } from '../../packages/verifier/src/lib/reserve-request-shape.js';

/**
 * `app` whose `listen` prepends to its server the same `request` listener `requireAuth` prepends on its first
 * request (`reserveRequestShape`, Express's members declared before Express runs): the like-for-like baseline of
 * rows 39 and 40, so that what `requireAuth` itself costs is told apart from what the shape saves Express.
 */
export function withReservedShape(app: Application): Application {
  const listen = app.listen.bind(app) as (...args: unknown[]) => ReturnType<Application['listen']>;
  app.listen = ((...args: unknown[]) =>
    listen(...args).prependListener('request', declareExpressShape)) as Application['listen'];
  return app;
}
