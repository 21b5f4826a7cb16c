import express, { type Express } from 'express';
import { requireScopes } from '@jwks-kit/verifier';
import { AUDIENCES } from '../../shared/src/audiences.js';
import { HttpError } from '../../shared/src/http-error.js';
import { createResourceApp, type ResourceAppDeps } from '../../shared/src/resource-service.js';
import { createOrderBook, type OrderBook } from './order-book.js';

/** What the orders service needs: the shared resource-service dependencies and, for tests, its order book. */
export type OrdersAppDeps = ResourceAppDeps &
  Readonly<{
    /** @default createOrderBook() */
    orders?: OrderBook;
  }>;

/** Parses `{ item, quantity }` of a new order; fixed messages, input never echoed. */
function parseOrder(body: unknown): { item: string; quantity: number } {
  const { item, quantity } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (
    typeof item !== 'string' ||
    !/^[\w .,'-]{1,64}$/.test(item) ||
    !Number.isInteger(quantity) ||
    (quantity as number) < 1 ||
    (quantity as number) > 100
  ) {
    throw new HttpError(400, {
      error: 'invalid_request',
      description: 'An order needs an item (1-64 letters, digits, spaces) and a quantity from 1 to 100.',
    });
  }
  return { item, quantity: quantity as number };
}

/** The orders service: `GET /orders` needs `orders:read`, `POST /orders` needs `orders:write`. */
export function createApp(deps: OrdersAppDeps): Express {
  const orders = deps.orders ?? createOrderBook(deps.now);
  return createResourceApp(
    deps,
    AUDIENCES.orders,
    (app, authenticate) => {
      app.use(express.json({ limit: '4kb' }));
      app.get('/orders', authenticate, requireScopes(['orders:read']), (req, res) => {
        res.json({ sub: req.auth?.claims.sub, orders: orders.list(String(req.auth?.claims.sub)) });
      });
      app.post('/orders', authenticate, requireScopes(['orders:write']), (req, res) => {
        const { item, quantity } = parseOrder(req.body);
        res.status(201).json(orders.add(String(req.auth?.claims.sub), item, quantity));
      });
    },
    ['orders:read', 'orders:write'],
  );
}
