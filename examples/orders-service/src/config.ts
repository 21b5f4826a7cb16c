import type { Env } from '../../shared/src/env.js';
import { readResourceServiceConfig, type ResourceServiceConfig } from '../../shared/src/resource-service-config.js';

/** Everything the orders service reads from its environment (`ORDERS_PORT`, default 4001). */
export type OrdersConfig = ResourceServiceConfig;

/** Reads the orders service's configuration; throws an Error naming the bad variable. */
export function readOrdersConfig(env: Env = process.env): OrdersConfig {
  return readResourceServiceConfig(env, 'orders-service', 'ORDERS_PORT', 4001);
}
