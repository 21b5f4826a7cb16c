import { randomUUID } from 'node:crypto';

/** One order of the demo shop. */
export type Order = Readonly<{ id: string; item: string; quantity: number; createdAt: string }>;

/** The orders of every user, kept in memory (the demo has no database). */
export interface OrderBook {
  list(sub: string): readonly Order[];
  add(sub: string, item: string, quantity: number): Order;
}

/** Creates an order book with two orders of alice, so that GET /orders has something to show. */
export function createOrderBook(now: () => number = Date.now): OrderBook {
  const orders = new Map<string, Order[]>();
  const add = (sub: string, item: string, quantity: number): Order => {
    const order = { id: randomUUID(), item, quantity, createdAt: new Date(now()).toISOString() };
    orders.set(sub, [...(orders.get(sub) ?? []), order]);
    return order;
  };
  add('alice', 'espresso beans', 2);
  add('alice', 'grinder', 1);
  return { list: (sub) => orders.get(sub) ?? [], add };
}
