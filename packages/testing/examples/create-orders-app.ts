// "Your service": an Express app that trusts an issuer through its JWKS. The examples test it with a mock issuer.
import express from 'express';
import { authErrorHandler, requireAuth, requireScopes, type JwksCacheOptions } from '@jwks-kit/verifier';

export type OrdersAppOptions = {
  issuer: string;
  jwksUri: string;
  /** Key-cache options; tests that rotate keys pass `{ cooldownMs: 0 }` so an unknown kid is refetched at once. */
  jwks?: JwksCacheOptions;
  now?: () => number;
};

export function createOrdersApp(options: OrdersAppOptions): express.Express {
  const app = express();
  const authenticate = requireAuth({
    issuer: options.issuer,
    audience: 'https://api.example.test',
    jwksUri: options.jwksUri,
    jwks: options.jwks,
    now: options.now,
  });
  app.get('/orders', authenticate, requireScopes('orders:read'), (req, res) => {
    res.json({ user: req.auth!.claims.sub, orders: [] });
  });
  app.use(authErrorHandler());
  return app;
}
