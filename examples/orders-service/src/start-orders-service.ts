import {
  startResourceService,
  type SharedResourceDeps,
  type StartedResourceService,
} from '../../shared/src/start-resource-service.js';
import type { OrdersConfig } from './config.js';
import { createApp } from './create-app.js';

/** Builds the orders service from its configuration and listens on `config.port` (see {@link startResourceService}). */
export function startOrdersService(
  config: OrdersConfig,
  shared: SharedResourceDeps = {},
): Promise<StartedResourceService> {
  return startResourceService(config, createApp, shared);
}
