import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { Denylist } from '@jwks-kit/denylist';
import { authErrorHandler, requireAuth, requireScopes, type KeySet } from '@jwks-kit/verifier';
import { ACCESS_COOKIE, AUDIENCES, RFC9068_REQUIRED_CLAIMS } from '../../shared/src/audiences.js';
import { cors } from '../../shared/src/cors.js';
import { HttpError } from '../../shared/src/http-error.js';
import { jsonErrorHandler } from '../../shared/src/json-error-handler.js';
import { createOrderBook, type OrderBook } from './order-book.js';

/** What the orders service needs: where tokens come from and how they are checked. */
export type OrdersAppDeps = Readonly<{
  /** Expected `iss` (the auth service). */
  issuerUrl: string;
  /** The auth service's public keys: `createRemoteKeySet(...)` on its JWKS in production. */
  keySet: KeySet;
  /** Revocations (shared memory store in the one-process demo, Redis mirror otherwise). */
  denylist: Denylist;
  /** Page origins allowed by CORS and by the cookie Origin check. */
  allowedOrigins: readonly string[];
  /** @default createOrderBook() */
  orders?: OrderBook;
  /** Clock skew accepted when verifying tokens. @default 5 */
  clockLeewaySeconds?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Log sink for unexpected errors. @default console.error */
  log?: (message: string) => void;
}>;

/** Parses `{ item, quantity }` of a new order; fixed messages, input never echoed. */
function parseOrder(body: unknown): { item: string; quantity: number } {
  const { item, quantity } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof item !== 'string' || !/^[\w .,'-]{1,64}$/.test(item) || !Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100) {
    throw new HttpError(400, { error: 'invalid_request', description: 'An order needs an item (1-64 letters, digits, spaces) and a quantity from 1 to 100.' });
  }
  return { item, quantity: quantity as number };
}

/** The orders service: `GET /orders` needs `orders:read`, `POST /orders` needs `orders:write`. */
export function createApp(deps: OrdersAppDeps): Express {
  const orders = deps.orders ?? createOrderBook(deps.now);
  const authenticate = requireAuth({
    issuer: deps.issuerUrl,
    audience: AUDIENCES.orders,
    keySet: deps.keySet,
    denylist: deps.denylist,
    cookieName: ACCESS_COOKIE,
    // RFC 9068 §2.2: an access token carries sub, client_id, iat and jti; refuse one that lacks any.
    requiredClaims: RFC9068_REQUIRED_CLAIMS,
    allowedOrigins: deps.allowedOrigins,
    leewaySeconds: deps.clockLeewaySeconds ?? 5,
    now: deps.now,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(cors({ allowedOrigins: deps.allowedOrigins }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(cookieParser());
  app.use(express.json({ limit: '4kb' }));
  app.get('/orders', authenticate, requireScopes(['orders:read']), (req, res) => {
    res.json({ sub: req.auth?.claims.sub, orders: orders.list(String(req.auth?.claims.sub)) });
  });
  app.post('/orders', authenticate, requireScopes(['orders:write']), (req, res) => {
    const { item, quantity } = parseOrder(req.body);
    res.status(201).json(orders.add(String(req.auth?.claims.sub), item, quantity));
  });
  app.use(authErrorHandler());
  app.use(jsonErrorHandler(deps.log));
  return app;
}
